"""Filled authoring forms, one per question type, as the browser posts them."""

COMMON = {"category": "service-standards/forms", "curriculum": "service_standards",
          "difficulty": "easy", "tags": "forms, callback", "points": "1"}


def _text(name: str, zh: str, en: str) -> dict:
    return {f"{name}-zh": zh, f"{name}-en": en}


def _option(index: int, zh: str, en: str, percent: int, prefix: str = "") -> dict:
    return {**_text(f"{prefix}options-{index}-text", zh, en),
            f"{prefix}options-{index}-fraction": str(percent)}


def fields(kind: str, prefix: str = "") -> dict:
    """The type-specific fields of a valid question of ``kind``."""
    p = prefix
    if kind == "single_choice":
        return {**_option(0, "24 小时", "24 hours", 100, p), **_option(1, "一周", "A week", 0, p),
                **_text(f"{p}options-1-feedback", "太慢了", "Too slow"),
                f"{p}shuffle_options": "y"}
    if kind == "multiple_choice":
        return {**_option(0, "电话", "Phone", 50, p), **_option(1, "邮件", "Email", 50, p),
                **_option(2, "传真给总裁", "Fax the CEO", -100, p), f"{p}shuffle_options": "y"}
    if kind == "true_false":
        return {f"{p}answer": "false", **_text(f"{p}feedback_true", "不对，必须回访", "No")}
    if kind == "short_answer":
        return {**_text(f"{p}answers-0-accept", "首问负责制\n首问负责", "first responder"),
                f"{p}answers-0-fraction": "100"}
    if kind == "numerical":
        return {**_text(f"{p}unit", "小时", "hours"), f"{p}answers-0-value": "24",
                f"{p}answers-0-tolerance": "0", f"{p}answers-0-fraction": "100",
                f"{p}answers-1-any": "y", f"{p}answers-1-fraction": "0",
                **_text(f"{p}answers-1-feedback", "看看回访时限", "Check the callback rule")}
    if kind == "matching":
        return {**_text(f"{p}pairs-0-prompt", "紧急", "Urgent"),
                **_text(f"{p}pairs-0-answer", "1 小时", "1 hour"),
                **_text(f"{p}pairs-1-prompt", "一般", "General"),
                **_text(f"{p}pairs-1-answer", "2 小时", "2 hours"),
                **_text(f"{p}distractors-0", "一周", "A week")}
    if kind == "ordering":
        return {**_text(f"{p}items-0", "安抚情绪", "Calm"), **_text(f"{p}items-1", "澄清问题",
                                                                  "Clarify"),
                **_text(f"{p}items-2", "协商方案", "Negotiate")}
    if kind == "essay":
        return {**_text(f"{p}grader_info", "提到倾听", "Mentions listening")}
    if kind == "case":
        return {"subtypes": "single_choice,essay",
                "sub_0-key": "case-form-a", "sub_0-points": "1",
                **_text("sub_0-text", "多久内回访？", "Call back within?"),
                **fields("single_choice", "sub_0-"),
                "sub_1-key": "case-form-b", "sub_1-points": "2",
                **_text("sub_1-text", "你会怎么说？", "What would you say?"),
                **fields("essay", "sub_1-")}
    raise ValueError(kind)


def payload(kind: str, key: str, token: str) -> dict:
    """A whole valid post of the form of ``kind``."""
    return {"csrf_token": token, "key": key, **COMMON,
            **_text("text", f"题目 {kind}", f"Question {kind}"),
            **_text("general_feedback", "因为制度这样规定。", "Because the policy says so."),
            **fields(kind)}
