"""Who may change a network's data from chat: its configured admins and its team's owners.

Everyone may read; changing meetings, agendas' meetings, channel mappings, role holders
or wheel entries, and reading the audit log, needs `Permissions.may_administer`. Two
sources answer it:

- the network's `admins` in its data file (Entra object ids or work e-mails), checked
  here in plain Python;
- the owners of the network's team in Teams, which only Microsoft Graph knows (Teams'
  roster gives no roles). The edge supplies them through `domain.ports.TeamOwnersPort`;
  without one (the command line, tests of the logic, no Graph configured) only configured
  admins count.
"""

from __future__ import annotations

import logging

from domain.ports import TeamOwnersPort
from domain.registry import Network, RoleRegistry
from domain.turns import Turn

log = logging.getLogger(__name__)


class Permissions:
    """Decides whether the sender of a turn may administer a network."""

    def __init__(self, owners: TeamOwnersPort | None = None):
        self._owners = owners

    async def may_administer(self, network: Network, registry: RoleRegistry, turn: Turn) -> bool:
        """True for the network's configured admins and, where Graph answers, its team's owners.

        A failing owner lookup (Graph down, permission missing) counts as "not an owner":
        configured admins can still act, and nobody gains rights from an outage.
        """
        if is_admin(network, registry, turn):
            return True
        sender = turn.user_aad_object_id
        if self._owners is None or not sender:
            return False
        try:
            return await self._owners.is_team_owner(network.key, sender)
        except Exception:  # noqa: BLE001 - an outage must not grant or crash; logged
            log.warning(
                "team owner lookup failed; treating the sender as a member",
                extra={"network": network.key},
                exc_info=True,
            )
            return False


def is_admin(network: Network, registry: RoleRegistry, turn: Turn) -> bool:
    """Whether the sender of `turn` is one of the network's configured admins.

    Teams tells the sender's Entra object id, not their e-mail: an e-mail in `admins`
    counts when someone in the registry has both that e-mail and the sender's id.
    """
    sender = turn.user_aad_object_id
    if not sender:
        return False
    admins = {admin.casefold() for admin in network.admins}
    if sender.casefold() in admins:
        return True
    return any(
        assignment.person.entra_object_id
        and assignment.person.entra_object_id.casefold() == sender.casefold()
        and assignment.person.email
        and assignment.person.email.casefold() in admins
        for other in registry.networks
        for assignment in other.assignments
    )
