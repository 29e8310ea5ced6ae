"""A learner's progress on a pathway: what is done, in progress and left, and what is left costs.

Shown on the pathway page (catalog's template loads issuance's `pathway_progress` tag: catalog
never imports issuance). The cost of what is left is PathwayTotals' rule applied to the steps the
learner does not hold yet: required steps not enrolled in, plus the cheapest electives still to
choose. A credential the learner is enrolled in (paid for) counts as held, so it costs nothing more.
"""

from dataclasses import dataclass, field

from catalog.models import PathwayTotals
from checkout.models import Enrolment

from .enrolment_completions import current_completion, with_current_completion
from .models import Completion

DONE = "done"
IN_PROGRESS = "in_progress"
TO_DO = "to_do"


@dataclass
class StepProgress:
    step: object  # catalog's PathwayStep, with its microcredential loaded
    state: str
    completion: Completion | None = None

    @property
    def credential(self):
        return self.step.microcredential


@dataclass
class PathwayProgress:
    pathway: object
    required: list
    electives: list
    completion: Completion | None  # the pathway itself, once completed
    electives_required: int
    left_totals: PathwayTotals = field(init=False)

    def __post_init__(self):
        self.left_totals = PathwayTotals(
            required=[s.credential for s in self.required_left],
            electives=[s.credential for s in self.electives if s.state == TO_DO],
            electives_required=self.electives_to_choose,
        )

    def _in(self, steps, state):
        return [s for s in steps if s.state == state]

    @property
    def done(self):
        return self._in(self.required, DONE) + self._in(self.electives, DONE)

    @property
    def in_progress(self):
        return self._in(self.required, IN_PROGRESS) + self._in(self.electives, IN_PROGRESS)

    @property
    def required_left(self):
        return self._in(self.required, TO_DO)

    @property
    def electives_to_choose(self):
        """Electives still to pick: those required, less those done or under way."""
        held = len(self._in(self.electives, DONE)) + len(self._in(self.electives, IN_PROGRESS))
        return max(0, self.electives_required - held)

    @property
    def elective_choices(self):
        return self._in(self.electives, TO_DO) if self.electives_to_choose else []

    @property
    def credential_count(self):
        return len(self.required) + self.electives_required

    @property
    def done_count(self):
        """Done towards the pathway: extra electives beyond those required do not count twice."""
        electives_done = len(self._in(self.electives, DONE))
        return len(self._in(self.required, DONE)) + min(electives_done, self.electives_required)

    @property
    def has_left(self):
        return bool(self.required_left) or self.electives_to_choose > 0

    @property
    def has_started(self):
        return bool(self.done or self.in_progress or self.completion)


def pathway_progress(learner, pathway, required_steps, elective_steps):
    """The learner's progress on the steps the page shows (its live ones); two queries."""
    credential_ids = {s.microcredential_id for s in (*required_steps, *elective_steps)}
    enrolments = {
        enrolment.microcredential_id: enrolment
        for enrolment in with_current_completion(
            Enrolment.objects.filter(user=learner, microcredential_id__in=credential_ids)
        )
    }

    def progress(step):
        enrolment = enrolments.get(step.microcredential_id)
        if enrolment is None or not enrolment.is_active:
            return StepProgress(step, TO_DO)
        completion = current_completion(enrolment)
        return StepProgress(step, DONE if completion else IN_PROGRESS, completion)

    return PathwayProgress(
        pathway=pathway,
        required=[progress(step) for step in required_steps],
        electives=[progress(step) for step in elective_steps],
        completion=Completion.objects.current().filter(learner=learner, pathway=pathway).first(),
        electives_required=pathway.electives_required,
    )
