"""The job files and cluster templates in Jobs/: valid against Schemas/job.schema.json, and the
Kubernetes and Slurm templates map the scheduler's task index onto fathom's shards correctly."""
import glob
import os
import re

import jsonschema
import pytest
import yaml

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SCHEMA = yaml.safe_load(open(os.path.join(ROOT, "Schemas", "job.schema.json")))
K8S = os.path.join(ROOT, "Jobs", "k8s", "label-indexed-job.yaml")
SBATCH = os.path.join(ROOT, "Jobs", "slurm", "label.sbatch")


def validate(job):
    jsonschema.Draft202012Validator(SCHEMA).validate(job)


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(ROOT, "Jobs", "*.yaml"))))
def test_every_example_job_is_valid(path):
    validate(yaml.safe_load(open(path)))


def test_the_schema_rejects_what_fathom_rejects():
    good = {"name": "a", "corpus": "videos", "output": "out"}
    validate(good)
    for bad in [
        {**good, "shard": 3},                                   # unknown key
        {**good, "engine": {"flow_preset": "fastest"}},         # not a preset
        {**good, "shards": 0},
        {**good, "labels": {"depth_dtype": "float64"}},
        {**good, "sampling": {"every": 2, "fps": 5}},           # one of them
        {**good, "intrinsics": {"fx": 1, "fy": 1, "cx": 0}},   # all four or none
        {"name": "a", "output": "out"},                         # no corpus
        {**good, "corpus": []},
    ]:
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)


def k8s_documents():
    return {doc["kind"]: doc for doc in yaml.safe_load_all(open(K8S))}


def test_kubernetes_indexed_job_maps_index_to_shard():
    docs = k8s_documents()
    job_file = yaml.safe_load(docs["ConfigMap"]["data"]["job.yaml"])
    validate(job_file)
    spec = docs["Job"]["spec"]
    assert spec["completionMode"] == "Indexed"
    assert spec["completions"] == job_file["shards"], "one index per shard"
    assert spec["podReplacementPolicy"] == "Failed" and spec["backoffLimitPerIndex"] >= 1
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    container = spec["template"]["spec"]["containers"][0]
    command = container["command"]
    assert command[:2] == ["fathom", "run"] and "--shard" not in command and "--shards" not in command, \
        "the shard must come from JOB_COMPLETION_INDEX, not a fixed flag"
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert command[2] == os.path.join(mounts["job"], "job.yaml")
    env = {e["name"]: e for e in container["env"]}
    assert env["JOB_COMPLETION_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"] == \
        "metadata.annotations['batch.kubernetes.io/job-completion-index']"
    assert spec["template"]["spec"]["terminationGracePeriodSeconds"] > 30, "fathom needs up to 30 s to stop"
    rules = spec["podFailurePolicy"]["rules"]
    by_code = {code: r["action"] for r in rules if "onExitCodes" in r for code in r["onExitCodes"]["values"]}
    assert by_code == {3: "FailIndex", 64: "FailJob"}, "bad input and configuration errors are not retried"
    assert all(r["onExitCodes"]["containerName"] == container["name"] for r in rules if "onExitCodes" in r)
    assert any(r["action"] == "Ignore" and r["onPodConditions"][0]["type"] == "DisruptionTarget" for r in rules if "onPodConditions" in r)


def test_slurm_template_runs_one_shard_per_array_task():
    text = open(SBATCH).read()
    directives = dict(re.findall(r"^#SBATCH --([a-z-]+)(?:=(\S+))?", text, re.M))
    assert "array" in directives and "requeue" in directives
    assert re.fullmatch(r"(B:)?USR1@\d+", directives["signal"]), "a graceful stop before the time limit"
    run = re.search(r'^srun .*"\$fathom" run "\$job"(.*)$', text, re.M)
    assert run and "--shard " not in run.group(1), "the shard comes from SLURM_ARRAY_TASK_ID"
    assert 'scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"' in text
    assert re.search(r'if \[ "\$status" -eq 4 \]', text), "requeue only after a stop (exit 4)"
