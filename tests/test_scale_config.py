"""The scale-out set's HAProxy configuration and the reminder keeper's bookkeeping (fast;
the real set runs in tests/test_failover.py)."""
from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

import pytest
from rasa.shared.core.events import ReminderScheduled, UserUttered

from rasa_project.channels.reminders import _still_due
from rasa_project.scale import haproxy_config


def test_the_balancer_checks_health_and_retries_a_refused_connection_elsewhere(tmp_path):
    config = haproxy_config(5005, [6001, 6002], 5055, [7001, 7002], tmp_path / "sock")
    assert "bind 127.0.0.1:5005" in config and "bind 127.0.0.1:5055" in config
    assert "option httpchk GET /webhooks/health/" in config and "option httpchk GET /health" in config
    assert config.count("retry-on conn-failure") == 2 and config.count("option redispatch") == 2
    assert "empty-response" not in config  # a turn the dead server may have saved is not re-sent
    for port in (6001, 6002, 7001, 7002):
        assert f"127.0.0.1:{port} check" in config
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if haproxy:  # HAProxy's own check of the file
        path = tmp_path / "haproxy.cfg"
        path.write_text(config)
        checked = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def reminder(name="naloxone_checkin_x", when=datetime(2030, 1, 1)):
    return ReminderScheduled("EXTERNAL_naloxone_checkin", when, name=name, kill_on_user_message=False)


CHECKIN = UserUttered(None, {"name": "EXTERNAL_naloxone_checkin"})


@pytest.mark.parametrize("events, due", [
    ([reminder()], True),
    ([reminder(), UserUttered("next", {"name": "next_step"})], True),
    ([reminder(), CHECKIN], False),  # it fired before its server died
    ([CHECKIN, reminder()], True),  # an earlier dose's check-in
    ([reminder("other"), CHECKIN], False),  # never scheduled under this name
    ([reminder(), CHECKIN, reminder()], True),  # a second dose, same name, not yet said
    ([reminder(), reminder(when=datetime(2030, 1, 2))], False),  # superseded by a later one
])
def test_a_reminder_is_taken_over_only_while_it_is_still_due(events, due):
    assert _still_due(events, reminder()) is due
