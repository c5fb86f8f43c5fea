"""Server start-up helpers: loopback only, the right action server, no silent model swap."""
from __future__ import annotations

import pytest
import yaml

from rasa_project import servers


def test_endpoints_point_at_the_chosen_action_port(tmp_path):
    path = servers.endpoints_for(6123, out_dir=tmp_path)
    config = yaml.safe_load(path.read_text())
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:6123/webhook"
    assert config["tracker_store"]["type"] == "InMemoryTrackerStore"


def test_default_port_uses_the_project_file(tmp_path):
    assert servers.endpoints_for(5055, out_dir=tmp_path) == servers.PROJECT_ROOT / "endpoints.yml"


def test_servers_bind_loopback(tmp_path):
    rasa = servers.rasa_server(5999, model=servers.PROJECT_ROOT / "config.yml", log_dir=tmp_path)
    assert rasa.command[rasa.command.index("--interface") + 1] == "127.0.0.1"
    actions = servers.action_server(5998, log_dir=tmp_path)
    assert actions.env["SANIC_HOST"] == "127.0.0.1"


def test_a_missing_model_is_refused_not_replaced(tmp_path):
    with pytest.raises(FileNotFoundError, match="no trained model"):
        servers.rasa_server(5999, model=tmp_path / "typo.tar.gz")
