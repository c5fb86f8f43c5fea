"""Two Rasa servers sharing one Redis (endpoints.scale.yml) carry one conversation between them."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from conftest import LOG_DIR, ROOT, conversation, talk, texts
from rasa_project import servers
from rasa_project import stack
from rasa_project.content.library import default_library


SCALE_ENDPOINTS = ROOT / "endpoints.scale.yml"



@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed (Debian package redis-server, see scripts/system-deps.sh)")
    import redis

    folder = tmp_path_factory.mktemp("redis")
    port = stack.free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOG_DIR / f"redis-{port}.log", "ab") as log:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(folder)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
        deadline = time.monotonic() + 30
        while True:
            try:
                if client.ping():
                    break
            except redis.exceptions.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start; see {log.name}")
            time.sleep(0.05)  # polling interval while waiting on the readiness condition
        yield port
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def scale_config(redis_port, action_server, tmp_path_factory) -> dict:
    """endpoints.scale.yml as committed, with this test's ports and its own key prefix."""
    config = yaml.safe_load(SCALE_ENDPOINTS.read_text())
    config["action_endpoint"]["url"] = action_server.url + "/webhook"
    prefix = f"test{uuid.uuid4().hex[:8]}"
    for store in ("tracker_store", "lock_store"):
        config[store].update(port=redis_port, key_prefix=prefix)
    return config


@pytest.fixture(scope="module")
def two_servers(model_path, scale_config, tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump(scale_config))
    pair = [servers.rasa_server(stack.free_port(), model=model_path, endpoints=endpoints, log_dir=LOG_DIR)
            for _ in range(2)]
    stack.start_all(pair, timeout=900)
    try:
        yield pair
    finally:
        for server in pair:
            server.stop()


def test_committed_file_uses_redis_with_an_expiry():
    config = yaml.safe_load(SCALE_ENDPOINTS.read_text())
    assert config["tracker_store"]["type"] == "redis"
    assert config["lock_store"]["type"] == "rasa_project.lock_store.AtomicRedisLockStore"
    assert 0 < float(config["tracker_store"]["record_exp"]) <= 24 * 3600
    for store in ("tracker_store", "lock_store"):
        assert str(config[store]["key_prefix"]).isalnum()  # Rasa silently drops any other prefix


@pytest.mark.slow
def test_a_conversation_moves_between_servers(two_servers):
    a, b = two_servers
    chunks = default_library().topic_chunks("withdrawal_symptoms")
    sender = conversation("scale")
    assert texts(talk(a, sender, "how long does withdrawal last"))[0] == chunks[0]
    assert texts(talk(b, sender, "yes"))[0] == chunks[1]  # B read A's tracker from Redis
    if len(chunks) > 2:
        assert texts(talk(a, sender, "yes"))[0] == chunks[2]
    # The same "yes" with no history is not the next chunk: the check above can fail.
    assert texts(talk(b, conversation("scale"), "yes"))[:1] != [chunks[1]]


@pytest.mark.slow
def test_turns_sent_to_both_servers_at_once_are_all_kept(two_servers, scale_config, redis_port):
    import redis

    a, b = two_servers
    sender = conversation("scale")
    words = [f"thank you {i}" for i in range(6)]
    with ThreadPoolExecutor(max_workers=len(words)) as pool:
        replies = list(pool.map(lambda i: talk((a, b)[i % 2], sender, words[i]), range(len(words))))
    assert all(texts(r) for r in replies), "a turn got no answer"
    store = scale_config["tracker_store"]
    client = redis.Redis(host="127.0.0.1", port=redis_port, db=store.get("db", 0), decode_responses=True)
    keys = client.keys(f"{store['key_prefix']}:*{sender}")
    assert len(keys) == 1
    events = json.loads(client.get(keys[0]))["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(said) == sorted(words)  # every turn answered and kept in the shared tracker
    assert 0 < client.ttl(keys[0]) <= float(store["record_exp"])


def test_tickets_issued_at_once_by_several_servers_are_unique(redis_port):
    """Rasa's redis lock store reads, changes and writes a lock in three steps, so two servers
    could hold the same ticket and run one conversation's turns at once (a turn was lost)."""
    from rasa_project.lock_store import AtomicRedisLockStore

    stores = [AtomicRedisLockStore(host="127.0.0.1", port=redis_port, db=5, key_prefix="ticketstest")
              for _ in range(4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        tickets = list(pool.map(lambda i: stores[i % 4].issue_ticket("one"), range(60)))
    assert len(set(tickets)) == 60
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: stores[i % 4].cleanup("one", tickets[i]), range(60)))
    assert stores[0].get_lock("one") is None  # every ticket finished: the lock is gone
