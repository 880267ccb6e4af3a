"""Situation reports the duty supervisor receives as an emergency develops.

The drill engine raises signals from numbers (contacts rising on one queue, many about one
problem, repeat calls, a queue growing, the technician backlog, staff absent;
:mod:`simulation.drill_signals`). A real supervisor also hears from people: the social-media
team counting mentions, a desk lead, colleagues calling in absent. These messages are tied to
the scenario's events (minutes after an event starts) and merged into the alert feed; they
inform, they change nothing in the simulation.

Like the signals they are observations, with numbers, and never name the event type or its
grade: the supervisor has to put them together. The event and its true grade are revealed in
the debrief. A library scenario may have its own messages (:data:`BY_SCENARIO`, by scenario
id and event index); any other scenario gets the messages of its events' kind
(:data:`MESSAGES`).
"""

from scenarios import Disaster, GroupComplaintSurge, QualityRecall


def _t(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


#: event class → (minutes after the event starts, {zh, en}) messages.
MESSAGES = {
    GroupComplaintSurge: (
        (5, _t("质检组:过去 15 分钟内有 40 多通投诉指向同一型号的产品",
               "Quality desk: over 40 complaints in 15 minutes point to the same product "
               "model")),
        (20, _t("新媒体组:过去一小时有 300 多条帖子提到我们的品牌,平时约 20 条,多数在说同一款产品",
                "Social-media team: over 300 posts mentioned our brand in the last hour, about "
                "20 is usual; most are about one product")),
        (60, _t("投诉组组长:来电客户情绪激动,很多人要求给出统一说法和赔偿方案",
                "Complaints desk lead: callers are angry, and many ask for one clear answer and "
                "compensation")),
    ),
    QualityRecall: (
        (20, _t("技术组:今天已有 14 份上门检测记录写到同一型号电源板烧焦,平时每周一两份",
                "Technical team: 14 on-site reports today describe scorch marks on the same "
                "model's power board; one or two a week is usual")),
        (45, _t("新媒体组:一段冒烟家电的视频一小时内被转发 2,000 多次",
                "Social-media team: a video of a smoking appliance was shared over 2,000 times "
                "in the last hour")),
    ),
    Disaster: (
        (0, _t("排班组:07:30 以来已有 23 名员工来电说今天无法到岗",
               "Workforce desk: 23 staff have called since 07:30 to say they cannot come in "
               "today")),
        (30, _t("行政部:在家的员工询问能否开通权限远程接听",
                "Administration: staff at home ask whether remote access can be opened so "
                "they can take calls")),
    ),
}

#: scenario id → event index → (minutes after that event starts, {zh, en}) messages.
BY_SCENARIO = {
    "group_complaint_surge": {0: (
        (5, _t("质检组:过去 15 分钟内有 40 多通投诉指向同一型号的滚筒洗衣机",
               "Quality desk: over 40 complaints in 15 minutes point to the same "
               "front-loader model")),
        (20, _t("新媒体组:过去一小时有 300 多条帖子提到滚筒异响,平时约 20 条,已有记者私信询问",
                "Social-media team: over 300 posts mentioned a noisy drum in the last hour, "
                "about 20 is usual; a journalist has asked for comment")),
        (60, _t("投诉组组长:来电客户情绪激动,很多人要求给出统一说法和赔偿方案",
                "Complaints desk lead: callers are angry, and many ask for one clear answer and "
                "compensation")),
    )},
    "logistics_interruption": {0: (
        (20, _t("派工台:今天有 37 张维修单因备件未到改约,平时一天两三张",
                "Dispatch desk: 37 repair visits rescheduled today because the parts did not "
                "arrive; two or three a day is usual")),
        (90, _t("仓储部:华东分拨中心发往各网点的备件已连续两天没有出库记录",
                "Warehouse: no spare parts have left the eastern hub for the service points "
                "for two days")),
        (180, _t("新媒体组:过去一小时有 85 条帖子抱怨“维修一拖再拖”,平时约 5 条",
                 "Social-media team: 85 posts in the last hour complain that repairs keep "
                 "slipping; about 5 is usual")),
    )},
    "epidemic": {0: (
        (0, _t("排班组:今早已有 31 名坐席请病假,另有 12 人需要居家照顾家人",
               "Workforce desk: 31 agents called in sick this morning and 12 more must stay "
               "home to care for family")),
        (30, _t("居家坐席组长:远程接听的平均通话时长比上周长约两成,系统登录也较慢",
                "Remote team lead: calls taken from home run about a fifth longer than last "
                "week, and logging in is slow")),
        (90, _t("新媒体组:过去一小时有 120 条帖子询问热线是否还在服务、几点开门",
                "Social-media team: 120 posts in the last hour ask whether the hotline still "
                "works and when it opens")),
    )},
}


def situation_reports(scenario) -> list[dict]:
    """Every narrative message of the scenario: ``{time, text: {zh, en}}`` in drill seconds."""
    reports = []
    own = BY_SCENARIO.get(scenario.id, {})
    for index, event in enumerate(scenario.events):
        messages = own.get(index, () if own else MESSAGES.get(type(event), ()))
        for minutes, text in messages:
            at = event.start_hour * 3600.0 + minutes * 60.0
            if at < min(event.end_hour * 3600.0, scenario.horizon_seconds):
                reports.append({"time": at, "text": text, "code": "situation_report"})
    return sorted(reports, key=lambda report: report["time"])
