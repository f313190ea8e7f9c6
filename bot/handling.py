"""What a handler returns: actions for the dispatcher to carry out, and two ways to say more than "do this".

- `Then(action, after)`: carry out `action`, then call `after` with its result; the steps `after` returns are
  carried out in turn. A handler that needs a platform's answer (the message id of the card it posted, whether
  a timeout went through) says so here instead of sending through the Outbox itself.
- `STOP`: the handlers after this one do not see the event. Moderation returns it when it deleted the message:
  a deleted scam is not engagement, and it does not end a newcomer's silence.
- `Later(steps)`: steps that exist only once some slower work is done (a flag's card, once the flag is
  committed to the store). The dispatcher does not hold the event's way for them: the event's later handlers
  run at once, and the steps are carried out on the event's platform when `steps` gives them. The app waits
  for every pending `Later` before a flush and at its stop, so none is lost.

Handlers never send: they return steps, and the dispatcher runs them on the event's platform, in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from bot.actions import Action, ActionResult


class Stop(Enum):
    """The marker type of `STOP` (an enum of one, so `step is STOP` type-checks)."""

    STOP = "stop"


STOP = Stop.STOP


@dataclass(frozen=True, slots=True)
class Then:
    action: Action
    after: Callable[[ActionResult], Awaitable[Sequence[Step]]]


@dataclass(frozen=True, slots=True)
class Later:
    steps: Awaitable[Sequence[Step]]


Step = Action | Then | Stop | Later
