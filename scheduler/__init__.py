"""Scheduled work: standing-agenda reminders, annual-wheel deadlines and minutes chasers.

Not built yet (issue 4). The design it follows: every occurrence has a deterministic key per
channel and a row in a durable outbox in the database; APScheduler only wakes the process,
the outbox decides what is due and records what was sent, so restarts and replicas neither
skip nor repeat a post.
"""
