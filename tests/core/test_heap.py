"""A long task's collector: start-up's objects frozen out of every collection, young collections
rarer, and the collector as it was once the task is done. Each case runs in a child process, so
this test process's own collector is never touched."""

import json
import subprocess
import sys

PROBE = """
import gc, json
from yibao.core.heap import collector_settled, settle_collector
import yibao.api.app  # start-up: the schema, the plugins, the models
before = (gc.get_freeze_count(), gc.get_threshold())
with collector_settled():
    during = (gc.get_freeze_count(), gc.get_threshold())
    gc.collect()
    survived = gc.get_freeze_count()
after = (gc.get_freeze_count(), gc.get_threshold())
settle_collector()
served = (gc.get_freeze_count() > 0, gc.get_threshold())
print(json.dumps([before, during, survived, after, served]))
"""


def test_a_long_task_freezes_start_up_and_leaves_the_collector_as_it_found_it():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    before, during, survived, after, served = json.loads(done.stdout)
    assert before[0] == 0
    assert during[0] > 10_000 and during[1] == [5_000, 10, 100]  # start-up's objects, by the thousand
    assert survived == during[0]  # a full collection leaves them where they are
    assert after == before
    assert served == [True, [5_000, 10, 100]]  # a server's, for its life
