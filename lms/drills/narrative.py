"""Situation reports the duty supervisor receives as an emergency develops.

The engine raises alerts from numbers (a surge started, service level breached, staff absent).
A real supervisor also hears from people: a cluster of complaints about one product model, a
warning from the social-media team, colleagues calling in absent. These messages are tied to
the scenario's events (minutes after an event starts) and merged into the alert feed; they
inform, they change nothing in the simulation.
"""

from scenarios import Disaster, GroupComplaintSurge, QualityRecall

#: event class → (minutes after the event starts, {zh, en}) messages.
MESSAGES = {
    GroupComplaintSurge: (
        (5, {"zh": "质检组:过去 15 分钟内有 40 多通投诉指向同一型号的滚筒洗衣机",
             "en": "Quality desk: over 40 complaints in 15 minutes point to the same "
                   "front-loader model"}),
        (20, {"zh": "新媒体组预警:相关帖子转发量快速上升,已有媒体询问",
              "en": "Social-media team warning: posts about the fault are spreading fast and "
                    "a journalist has asked for comment"}),
        (60, {"zh": "投诉组组长:客户情绪激动,多人要求统一说法和赔偿方案",
              "en": "Complaints desk lead: callers are angry and many ask for one clear "
                    "answer and compensation"}),
    ),
    QualityRecall: (
        (10, {"zh": "研发部:确认该型号存在过热隐患,生产线已暂停",
              "en": "R&D: the overheating risk of the model is confirmed; the production line "
                    "has stopped"}),
        (30, {"zh": "技术组:上门检测预约激增,备件库存需要调配",
              "en": "Technical team: on-site inspection bookings are soaring; spare parts "
                    "must be reallocated"}),
    ),
    Disaster: (
        (0, {"zh": "多名员工来电:道路封闭,今天无法到岗",
             "en": "Several staff call in: roads are closed and they cannot come in today"}),
        (30, {"zh": "行政部:部分员工可以居家远程接听,需要开通权限",
              "en": "Administration: some staff could take calls from home once remote access "
                    "is opened"}),
    ),
}


def situation_reports(scenario) -> list[dict]:
    """Every narrative message of the scenario: ``{time, text: {zh, en}}`` in drill seconds."""
    reports = []
    for event in scenario.events:
        for minutes, text in MESSAGES.get(type(event), ()):
            at = event.start_hour * 3600.0 + minutes * 60.0
            if at < min(event.end_hour * 3600.0, scenario.horizon_seconds):
                reports.append({"time": at, "text": text, "code": "situation_report"})
    return sorted(reports, key=lambda report: report["time"])
