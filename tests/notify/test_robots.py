"""Group robots: real HTTP posts to a local receiver; DingTalk's signature checks out."""

import base64
import hashlib
import hmac
import time

from lms.auth.models import Department
from lms.extensions import db
from lms.notify import channels
from lms.notify.models import DepartmentWebhook
from tests.courses.factories import assign_to, make_course
from tests.factories import make_user
from tests.notify.helpers import deliveries, settle

SECRET = "SEC0123456789abcdef"


def _robot(provider: str, url: str, department: str = "Hotline East", **fields):
    robot = DepartmentWebhook(department=Department.get_or_create(department),
                              provider=provider, url=url, kinds=["assigned", "overdue"],
                              **fields)
    db.session.add(robot)
    db.session.commit()
    return robot


def _expected_sign(timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_dingtalk_post_is_signed_as_dingtalk_documents(app_ctx, robot_server):
    make_user()  # the department exists
    _robot("dingtalk", f"{robot_server.url}/robot/send?access_token=abc", secret=SECRET,
           language="en")
    first = make_user(name="Zhang Xin", email=None)
    second = make_user(name="Liu Yang", email=None)
    before = int(time.time() * 1000)
    assign_to(make_course(), first, second)
    settle()
    (post,) = robot_server.received  # one message for the whole assignment
    query = post["query"]
    assert post["path"] == "/robot/send" and query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    assert before <= int(timestamp) <= int(time.time() * 1000)
    assert query["sign"][0] == _expected_sign(timestamp, SECRET)
    text = post["json"]["text"]["content"]
    assert post["json"]["msgtype"] == "text"
    assert "Assigned: Callback" in text and "Liu Yang, Zhang Xin" in text
    assert "https://" in text or "http://" in text
    robot_rows = deliveries("dingtalk")
    assert len(robot_rows) == 2 and all(d.status == "sent" for d in robot_rows)


def test_wecom_post_in_chinese_and_a_refusal_is_recorded(app_ctx, robot_server):
    make_user()
    _robot("wecom", f"{robot_server.url}/cgi-bin/webhook/send?key=k1")
    robot_server.answers.append({"errcode": 93000, "errmsg": "invalid webhook url"})
    assign_to(make_course(), make_user(name="张新", email=None))
    settle()
    (post,) = robot_server.received
    assert post["query"] == {"key": ["k1"]} and "sign" not in post["query"]
    assert "已指派" in post["json"]["text"]["content"] and "张新" in post["json"]["text"]["content"]
    (row,) = deliveries("wecom")
    assert row.status == "failed" and row.error_code == "refused"
    assert "errcode 93000" in row.error


def test_person_can_leave_their_notices_out_of_the_group(app_ctx, robot_server):
    from lms.notify import service

    make_user()
    _robot("wecom", f"{robot_server.url}/send?key=k")
    private = make_user(email=None)
    service.save_preferences(private.id, {"assigned": {"webhook": False}})
    db.session.commit()
    assign_to(make_course(), private)
    settle()
    assert robot_server.received == [] and deliveries("wecom") == []


def test_signed_url_keeps_the_robot_address():
    url = channels.dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t",
                                       "SECx", timestamp_ms=1700000000000)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp="
                          "1700000000000&sign=")
    expected = _expected_sign("1700000000000", "SECx")
    from urllib.parse import parse_qs, urlsplit

    assert parse_qs(urlsplit(url).query)["sign"] == [expected]
