"""Demo members for the two demo committees (domain guide §9), in two steps: `simulation`
draws their history in memory from fixed seeds (pure: no database, no services), and
`loading` writes it through members.services; `plans` holds what passes between the two."""

from members.demo.loading import MembersDemo
from members.demo.plans import BAC_GIANG, HA_NOI

__all__ = ["BAC_GIANG", "HA_NOI", "MembersDemo"]
