"""What the plan services raise for the views to answer."""


class NotEditable(Exception):
    """The plan is submitted or accepted: read-only for the team."""


class RowConflict(Exception):
    """Someone saved this row since the user opened it; `current` is the saved row."""

    def __init__(self, current):
        super().__init__("conflict")
        self.current = current


class ProfileRulesBroken(Exception):
    """The user's profile changes merged with someone else's newer save would break the profile
    rules (jst_rules.profile_errors); `errors`: {field: Polish message}. Nothing was saved."""

    def __init__(self, errors):
        super().__init__("profile rules broken")
        self.errors = errors


class TransitionRefused(Exception):
    """A life-cycle change that is not possible now; the message is what the user sees."""
