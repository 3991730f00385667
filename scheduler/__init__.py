"""Scheduled work: standing-agenda reminders, annual-wheel deadlines and minutes chasers.

Every occurrence has a deterministic key per channel and a row in a durable outbox in the
database (`storage.outbox`); APScheduler only wakes the process (`scheduler.runner`), the
outbox decides what is due and `scheduler.delivery` records what was sent, so restarts and
replicas neither skip nor repeat a post (the one exception is spelled out there).
"""
