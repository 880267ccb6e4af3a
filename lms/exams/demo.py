"""Demo data: the shipped question banks and final exams, and three demo exams.

The four final exams the shipped courses require are shipped data (``content/exams.yaml``,
loaded by `lms.exams.shipped`); the courses demo has usually stored them already, since the
course loader stores what the courses refer to. The demo adds a pre-test/post-test pair sharing
one pairing key and a short 5-minute quiz, assigned to the trainees' departments. Loading twice
changes nothing: exams are found by slug.
"""

from sqlalchemy import select

from lms.auth.models import Department, User
from lms.exams import shipped
from lms.exams.bank_service import load_shipped
from lms.exams.exam_admin import apply_plan, check_plan
from lms.exams.models import Exam, QuestionCategory, default_review
from lms.extensions import db

DEMO_EXAMS = (
    {"slug": "service-basics-pre",
     "title": {"zh": "服务基础——培训前测", "en": "Service basics — pre-test"},
     "time_limit_minutes": 15, "attempts_allowed": 1, "pass_mark": 0.6, "kind": "pre_test",
     "draws": "5 service-standards easy", "per_page": 5},
    {"slug": "service-basics-post",
     "title": {"zh": "服务基础——培训后测", "en": "Service basics — post-test"},
     "time_limit_minutes": 15, "attempts_allowed": 1, "pass_mark": 0.6, "kind": "post_test",
     "draws": "5 service-standards easy", "per_page": 5},
    {"slug": "quick-quiz-technical",
     "title": {"zh": "技术技能小测验（5 分钟）", "en": "Technical skills quick quiz (5 min)"},
     "time_limit_minutes": 5, "attempts_allowed": 0, "pass_mark": 0.6, "grading": "last",
     "draws": "4 technical-skills", "per_page": 2},
)


def _top_categories() -> set[str]:
    return {path.split("/")[0] for path in db.session.scalars(select(QuestionCategory.path))}


def _create(spec: dict, departments: str) -> Exam | None:
    present = _top_categories()
    lines = [line for line in spec["draws"].splitlines() if line.split()[1] in present]
    plan = check_plan("", "\n".join(lines), departments, "")
    if plan.errors:
        return None
    exam = Exam(slug=spec["slug"], title=spec["title"], pass_mark=spec["pass_mark"],
                time_limit_minutes=spec["time_limit_minutes"],
                attempts_allowed=spec["attempts_allowed"], test_kind=spec.get("kind", "exam"),
                grading_method=spec.get("grading", "highest"),
                pairing_key="service-basics" if spec.get("kind") else None,
                questions_per_page=spec["per_page"], shuffle_questions=True,
                review=default_review())
    apply_plan(exam, plan)
    db.session.add(exam)
    return exam


def load() -> list:
    """Load the banks and the shipped finals, then create the demo exams not there yet."""
    created = [f"question {key}" for key in load_shipped()]
    created += [name for name in shipped.load(commit=False) if name.startswith("exam ")]
    departments = sorted({u.department.name for u in db.session.scalars(select(User))
                          if u.department and u.has_role("trainee")})
    names = ", ".join(name for name in departments
                      if db.session.scalar(select(Department).where(Department.name == name)))
    existing = set(db.session.scalars(select(Exam.slug)))
    for spec in DEMO_EXAMS:
        if spec["slug"] not in existing and _create(spec, names) is not None:
            created.append(f"exam {spec['slug']}")
    db.session.commit()
    return created
