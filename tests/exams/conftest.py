"""Helpers for exam web tests: start an attempt and save answers through the real routes."""

import re

import pytest

from tests.conftest import csrf_token

ATTEMPT_URL = re.compile(r"/exams/attempts/(\d+)")


class Taker:
    """Drives one signed-in trainee's attempt through the HTTP routes."""

    def __init__(self, client):
        self.client = client

    def start(self, slug: str) -> int:
        """Start (or resume) the exam; returns the attempt id."""
        token = csrf_token(self.client, "/exams/mine")
        response = self.client.post(f"/exams/{slug}/start", data={"csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return int(ATTEMPT_URL.search(response.headers["Location"]).group(1))

    def save(self, attempt_id: int, slot: int, response):
        """POST one answer as the page's JavaScript does."""
        token = csrf_token(self.client, "/exams/mine")
        return self.client.post(f"/exams/attempts/{attempt_id}/answers",
                                json={"slot": slot, "response": response},
                                headers={"X-CSRFToken": token})

    def submit(self, attempt_id: int):
        """Submit the attempt."""
        token = csrf_token(self.client, "/exams/mine")
        return self.client.post(f"/exams/attempts/{attempt_id}/submit",
                                data={"csrf_token": token})


@pytest.fixture
def taker(client):
    """The attempt driver bound to the test client."""
    return Taker(client)
