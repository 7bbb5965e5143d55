#!/usr/bin/env python3
"""The bulk-patching examples in examples/kubernetes/ stay valid.

Every YAML file parses; the config (and the ConfigMap's copy of one) is
accepted by copa; the command line of the Indexed Job and of the GitHub
Actions matrix is run exactly as written, with only the config path made
local, the shard variables filled in for each index and --list-jobs added
(so no registry is contacted): every shard is accepted, and the shards
together hold each job of the unsharded run exactly once.

usage: test_bulk_examples.py COPA SOURCE_DIR
"""
import os
import shlex
import subprocess
import sys
import tempfile

import yaml

copa, src = sys.argv[1], sys.argv[2]
examples = os.path.join(src, "examples", "kubernetes")
failures = []
passes = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + detail))
    (passes if condition else failures).append(name)


def run(args, env_extra=None):
    env = dict(os.environ)
    env.pop("JOB_COMPLETION_INDEX", None)
    env.update(env_extra or {})
    p = subprocess.run([copa] + args, cwd=src, env=env, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def jobs_of(args, env_extra=None):
    rc, out, err = run(args + ["--list-jobs"], env_extra)
    return rc, out.splitlines(), err


def shards_cover(name, whole, parts):
    flat = [line for part in parts for line in part]
    check(name + ": shards hold every job once", sorted(flat) == sorted(whole) and len(whole) > 0,
          "whole %s, shards %s" % (whole, parts))


docs = {}
for f in sorted(os.listdir(examples)):
    if f.endswith(".yaml"):
        try:
            with open(os.path.join(examples, f)) as fh:
                docs[f] = list(yaml.safe_load_all(fh))
            check(f + " parses", True)
        except yaml.YAMLError as e:
            check(f + " parses", False, str(e))

config = os.path.join(examples, "patch-config.yaml")
rc, whole, err = jobs_of(["patch", "--config", config])
check("patch-config.yaml is accepted", rc == 0, err)

# --- the Indexed Job
with tempfile.TemporaryDirectory() as tmp:
    configmap = next(d for d in docs["indexed-job.yaml"] if d["kind"] == "ConfigMap")
    job = next(d for d in docs["indexed-job.yaml"] if d["kind"] == "Job")
    local_config = os.path.join(tmp, "patch-config.yaml")
    with open(local_config, "w") as fh:
        fh.write(configmap["data"]["patch-config.yaml"])
    container = job["spec"]["template"]["spec"]["containers"][0]
    args = [str(a) for a in container["args"]]
    mounted = args[args.index("--config") + 1]
    args[args.index("--config") + 1] = local_config
    check("Indexed Job mounts the ConfigMap where --config points",
          os.path.dirname(mounted) == next(m["mountPath"] for m in container["volumeMounts"]
                                           if m["name"] == "config"))
    shard = args[args.index("--shard") + 1]
    count = int(shard.split("/")[1])
    check("Indexed Job: completions = parallelism = shard count",
          job["spec"]["completionMode"] == "Indexed" and
          job["spec"]["completions"] == job["spec"]["parallelism"] == count, shard)
    rc, whole_job, err = jobs_of(["patch", "--config", local_config])
    parts = []
    for index in range(count):
        a = [x.replace("$(JOB_COMPLETION_INDEX)", str(index)) for x in args]
        rc, lines, err = jobs_of(a, {"JOB_COMPLETION_INDEX": str(index)})
        check("Indexed Job index %d: command line accepted" % index, rc == 0, err)
        parts.append(lines)
    shards_cover("Indexed Job", whole_job, parts)

# --- the GitHub Actions matrix
workflow = docs["github-actions.yaml"][0]
patch_job = workflow["jobs"]["patch"]
shards = patch_job["strategy"]["matrix"]["shard"]
runs = [s["run"] for s in patch_job["steps"] if "copa patch" in s.get("run", "")]
check("workflow runs copa patch once per shard", len(runs) == 1, str(runs))
parts = []
for index in shards:
    line = runs[0].replace("${{ matrix.shard }}", str(index))
    words = shlex.split(line)
    check("workflow shard %s: starts with copa patch" % index, words[:2] == ["copa", "patch"])
    rc, lines, err = jobs_of(words[1:])
    check("workflow shard %s: command line accepted" % index, rc == 0, err)
    check("workflow shard %s/%d" % (index, len(shards)), ("--shard", "%s/%d" % (index, len(shards)))
          in zip(words, words[1:]), line)
    parts.append(lines)
shards_cover("workflow", whole, parts)
merge = [s["run"] for s in workflow["jobs"]["merge"]["steps"] if "run" in s]
check("workflow merges with copa summary merge",
      len(merge) == 1 and shlex.split(merge[0])[:3] == ["copa", "summary", "merge"], str(merge))

print("%d passed, %d failed" % (len(passes), len(failures)))
sys.exit(1 if failures else 0)
