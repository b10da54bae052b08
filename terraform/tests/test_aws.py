"""The AWS module's wiring, checked against the code it deploys and the events it must catch."""

import json
import re
import unittest
from pathlib import Path

import eventpattern
import rust_contract
from hcl import REPO, TERRAFORM, Module, blocks, evaluate_number, expr, git_has_history, shared_dir, squash

MODULE_DIR = TERRAFORM / "aws" / "modules" / "layerwatch"
ADAPTER = REPO / "shared" / "aws"
IAM_CALLS = TERRAFORM / "aws" / "iam-calls.json"

# The Lambda functions DESIGN.md lists, each a crate under functions/.
FUNCTIONS = {"dispatch", "analyze-layer", "assemble", "query", "refresh-advisories"}

# Which resource each variable of config.rs must name on AWS (config.rs's own doc comments).
ENV_TARGETS = {
    "LAYERWATCH_LAYER_CACHE_TABLE": "aws_dynamodb_table.layer_cache.name",
    "LAYERWATCH_JOBS_TABLE": "aws_dynamodb_table.scan_jobs.name",
    "LAYERWATCH_RESULTS_TABLE": "aws_dynamodb_table.results.name",
    "LAYERWATCH_BUCKET": "aws_s3_bucket.data.id",
    "LAYERWATCH_LAYER_QUEUE": "aws_sqs_queue.layer.url",
    "LAYERWATCH_ASSEMBLE_QUEUE": "aws_sqs_queue.assemble.url",
    "LAYERWATCH_EVENT_BUS": "var.findings_event_bus_name",
    "LAYERWATCH_METRICS_NAMESPACE": "var.metrics_namespace",
    "LAYERWATCH_ADVISORY_SOURCE": "var.advisory_source",
    "LAYERWATCH_TTL_DAYS": "tostring(var.ttl_days)",
}

# Variables the code reads that a deployment must NOT set, and why.
NOT_DEPLOYED = {
    "LAYERWATCH_RECORD_AWS_CALLS": "records every SDK call to a file in the end-to-end tests (iam-calls.json)",
    **rust_contract.REGISTRY_CREDENTIALS,
    **rust_contract.REGISTRY_STAND_INS,
}

# Variables the Lambda runtime sets itself (AWS Lambda developer guide, "Defined runtime
# environment variables"), and the optional log filter.
RUNTIME_PROVIDED = re.compile(r"^(AWS_.*|_HANDLER|_X_AMZN_TRACE_ID|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR|TZ|RUST_LOG)$")


def load_events():
    """Every ECR sample: the project's events/ and the published examples in the shared folder."""
    paths = sorted((REPO / "events").glob("ecr-*.json"))
    paths += sorted((shared_dir() / "reference" / "events").glob("aws-*.json"))
    events = {}
    for p in paths:
        events[p.name] = json.loads(p.read_text(encoding="utf-8"))
    return events


class AwsModule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = Module(MODULE_DIR)

    # --- event rule --------------------------------------------------------------------------

    def push_pattern(self, prefixes, track_deletes=False):
        """The rule's pattern as Terraform renders it for these variable values."""
        m = self.m
        rule = m.resource("aws_cloudwatch_event_rule", "ecr_push")
        self.assertEqual(expr(rule["event_pattern"]), "jsonencode(local.ecr_push_pattern)")
        pattern = expr(m.local("ecr_push_pattern"))
        self.assertIn("local.ecr_push_source", pattern)
        self.assertIn("local.ecr_push_detail_type", pattern)
        self.assertIn("merge(local.ecr_push_detail, local.ecr_repository_filter)", pattern)
        repo_filter = expr(m.local("ecr_repository_filter"))
        # length(var.repository_prefixes) == 0 ? {} : {repository-name = [for p ... : {prefix = p}]}
        self.assertRegex(repo_filter, r"^length\(var\.repository_prefixes\) == 0 \? \{\} : ")
        self.assertIn(squash("{repository-name: ${[for p in var.repository_prefixes : {prefix: ${p}}]}}"), squash(repo_filter))
        detail = dict(m.local("ecr_push_detail"))
        self.assertEqual(
            squash(detail["action-type"]),
            squash("${concat(local.ecr_push_actions, var.track_deletes ? local.ecr_delete_actions : [])}"),
        )
        detail["action-type"] = m.local("ecr_push_actions") + (m.local("ecr_delete_actions") if track_deletes else [])
        if prefixes:
            detail["repository-name"] = [{"prefix": p} for p in prefixes]
        return {
            "source": m.local("ecr_push_source"),
            "detail-type": m.local("ecr_push_detail_type"),
            "detail": detail,
        }

    def test_push_rule_matches_exactly_the_successful_push_samples(self):
        events = load_events()
        self.assertGreaterEqual(len(events), 10, "expected the events/ and reference samples")
        for track_deletes in (False, True):
            pattern = self.push_pattern([], track_deletes)
            for name, event in events.items():
                # The file names say what each sample is (events/README.md, reference README):
                # pushes always reach dispatch, deletes only with track_deletes.
                want = "push" in name or (track_deletes and "delete" in name)
                with self.subTest(event=name, track_deletes=track_deletes):
                    self.assertEqual(eventpattern.matches(pattern, event), want, f"{name} vs {pattern}")
        self.assertIs(self.m.default("track_deletes"), True, "dispatch marks deleted images by default")

    def test_repository_prefixes_narrow_the_rule(self):
        events = load_events()
        ours = {n: e for n, e in events.items() if n.startswith("ecr-push")}
        self.assertTrue(ours)
        for name, event in ours.items():
            with self.subTest(event=name):
                self.assertTrue(eventpattern.matches(self.push_pattern(["layerwatch/"]), event))
                self.assertTrue(eventpattern.matches(self.push_pattern(["other/", "layer"]), event))
                self.assertFalse(eventpattern.matches(self.push_pattern(["other/"]), event))

    def test_push_rule_feeds_the_scan_queue_and_dispatch(self):
        m = self.m
        target = m.resource("aws_cloudwatch_event_target", "ecr_push")
        self.assertEqual(expr(target["rule"]), "aws_cloudwatch_event_rule.ecr_push.name")
        self.assertEqual(expr(target["arn"]), "aws_sqs_queue.scan.arn")
        self.assertEqual(
            m.local("queue_consumers"), {"scan": "dispatch", "layer": "analyze-layer", "assemble": "assemble"}
        )
        mapping = m.resource("aws_lambda_event_source_mapping", "queue")
        self.assertEqual(expr(mapping["for_each"]), "local.queue_consumers")
        self.assertEqual(expr(mapping["event_source_arn"]), "local.source_queues[each.key].arn")
        self.assertEqual(expr(mapping["function_name"]), "aws_lambda_function.this[each.value].arn")
        self.assertEqual(mapping["batch_size"], 1, "one layer per invocation")
        self.assertEqual(mapping["function_response_types"], ["ReportBatchItemFailures"])
        (scaling,) = blocks(mapping, "scaling_config")
        self.assertEqual(
            expr(scaling["maximum_concurrency"]),
            "local.functions[each.value].reserved_concurrency",
            "poll no faster than the function may run, or throttled messages drift to the DLQ",
        )
        for function in m.local("queue_consumers").values():
            var = expr(m.local("functions")[function]["reserved_concurrency"]).removeprefix("var.")
            self.assertGreaterEqual(m.default(var), 2, f"{function}: SQS event sources poll with at least 2")
        sources = {k: expr(v) for k, v in m.local("source_queues").items()}
        self.assertEqual(sources, {q: f"aws_sqs_queue.{q}" for q in ("scan", "layer", "assemble")})
        # Only the push rule may send to the scan queue.
        doc = m.data["aws_iam_policy_document"]["scan_queue"]
        (stmt,) = blocks(doc, "statement")
        self.assertEqual(stmt["actions"], ["sqs:SendMessage"])
        (cond,) = blocks(stmt, "condition")
        self.assertEqual(cond["values"], ["${aws_cloudwatch_event_rule.ecr_push.arn}"])

    # --- queues ------------------------------------------------------------------------------

    def function_timeout_var(self, function: str) -> str:
        value = expr(self.m.local("functions")[function]["timeout_seconds"])
        m = re.fullmatch(r"var\.([a-z_]+)", value)
        self.assertIsNotNone(m, f"{function}'s timeout must be a variable, not {value}")
        return m.group(1)

    def test_visibility_timeout_is_six_function_timeouts(self):
        m = self.m
        for queue, function in m.local("queue_consumers").items():
            with self.subTest(queue=queue):
                var = self.function_timeout_var(function)
                vis = m.resource("aws_sqs_queue", queue)["visibility_timeout_seconds"]
                for timeout in (1, m.default(var), 900):
                    seconds = evaluate_number(m, vis, {var: timeout})
                    self.assertGreater(seconds, timeout)
                    self.assertGreaterEqual(seconds, 6 * timeout, "AWS asks for six times the function timeout")
                    self.assertLessEqual(seconds, 43200, "SQS allows at most 12 hours")

    def test_every_queue_has_a_dead_letter_queue(self):
        m = self.m
        for queue in m.local("queue_consumers"):
            with self.subTest(queue=queue):
                redrive = expr(m.resource("aws_sqs_queue", queue)["redrive_policy"])
                self.assertIn(squash(f"deadLetterTargetArn: ${{aws_sqs_queue.dead[{queue}].arn}}"), squash(redrive))
                self.assertIn("var.max_receive_count", redrive)
        self.assertGreater(m.default("max_receive_count"), 1, "a failing layer must be retried")
        alarmed = expr(m.local("dead_letter_queues"))
        self.assertIn("aws_sqs_queue.dead[q].name", alarmed)
        self.assertIn("aws_sqs_queue.events_dead.name", alarmed)
        alarm = m.resource("aws_cloudwatch_metric_alarm", "dead_letters")
        self.assertEqual(expr(alarm["for_each"]), "local.dead_letter_queues")
        self.assertEqual(alarm["metric_name"], "ApproximateNumberOfMessagesVisible")
        self.assertEqual(alarm["threshold"], 0)
        self.assertEqual(alarm["comparison_operator"], "GreaterThanThreshold")

    # --- functions ---------------------------------------------------------------------------

    def test_functions_run_the_cargo_lambda_zips(self):
        m = self.m
        self.assertEqual(set(m.local("functions")), FUNCTIONS)
        fn = m.resource("aws_lambda_function", "this")
        self.assertEqual(expr(fn["for_each"]), "local.functions")
        self.assertEqual(fn["runtime"], "provided.al2023")
        self.assertEqual(fn["handler"], "bootstrap")
        self.assertEqual(fn["architectures"], ["${var.architecture}"])
        self.assertEqual(fn["filename"], "${var.lambda_zip_dir}/${each.key}/bootstrap.zip")
        self.assertEqual(expr(fn["source_code_hash"]), 'filebase64sha256("${var.lambda_zip_dir}/${each.key}/bootstrap.zip")')
        for attr, key in (
            ("memory_size", "memory_mb"),
            ("timeout", "timeout_seconds"),
            ("reserved_concurrent_executions", "reserved_concurrency"),
        ):
            self.assertEqual(expr(fn[attr]), f"each.value.{key}")
        for name in sorted(FUNCTIONS):
            with self.subTest(function=name):
                self.assertTrue((REPO / "functions").is_dir())
                crate = REPO / "functions" / name
                if not (crate / "Cargo.toml").is_file():
                    continue
                text = (crate / "Cargo.toml").read_text(encoding="utf-8")
                self.assertRegex(text, rf'(?m)^name = "{re.escape(name)}"$|\[\[bin\]\]\s*name = "{re.escape(name)}"',
                                 f"functions/{name} must build a binary named {name} (the zip folder's name)")

    def test_layer_function_defaults_suit_large_layers(self):
        m = self.m
        self.assertGreaterEqual(m.default("layer_memory_mb"), 1769, "at least one full vCPU to inflate layers")
        self.assertGreaterEqual(m.default("layer_timeout_seconds"), 300)
        self.assertGreaterEqual(m.default("layer_reserved_concurrency"), 2)

    def test_environment_names_the_right_resources(self):
        m = self.m
        for var in NOT_DEPLOYED:
            self.assertNotIn(var, m.local("function_environment"), NOT_DEPLOYED[var])
        consts = set(rust_contract.config_constants().values())
        env = {k: expr(v) for k, v in m.local("function_environment").items()}
        for name, value in env.items():
            with self.subTest(variable=name):
                self.assertIn(name, consts, f"{name} is not a variable config.rs declares")
                self.assertEqual(value, ENV_TARGETS[name])
        fn = m.resource("aws_lambda_function", "this")
        (environment,) = blocks(fn, "environment")
        self.assertEqual(expr(environment["variables"]), "local.function_environment")

    def test_every_variable_a_function_reads_is_set(self):
        env = set(self.m.local("function_environment"))
        landed = [f for f in sorted(FUNCTIONS) if (REPO / "functions" / f / "Cargo.toml").is_file()]
        if not landed:
            self.skipTest("no Lambda crate under functions/ yet (the aws helper is building them)")
        for name in landed:
            with self.subTest(function=name):
                crates = rust_contract.crate_closure(REPO / "functions" / name)
                read = rust_contract.variables_read(crates)
                missing = {v: files for v, files in read.items() if v not in env and v not in NOT_DEPLOYED}
                self.assertEqual(missing, {}, f"{name} reads these but Terraform does not set them")
                for var, files in rust_contract.literal_env_reads(crates).items():
                    if not RUNTIME_PROVIDED.match(var):
                        self.assertIn(var, env, f"{name} reads {var} ({files})")

    # --- IAM ---------------------------------------------------------------------------------

    def granted_calls(self):
        calls = self.m.local("function_calls")
        self.assertEqual(set(calls), FUNCTIONS)
        return {f: sorted({a for stmt in stmts for a in stmt["actions"]}) for f, stmts in calls.items()}

    def test_iam_actions_equal_the_recorded_calls(self):
        if not IAM_CALLS.is_file():
            if git_has_history("terraform/aws/iam-calls.json"):
                self.fail(f"{IAM_CALLS} was committed once and is gone: the IAM test has nothing to compare to")
            self.skipTest(
                "terraform/aws/iam-calls.json is not there yet (the aws helper records it from the SDK "
                "in its end-to-end tests); IAM actions are unchecked until it lands"
            )
        recorded = json.loads(IAM_CALLS.read_text(encoding="utf-8"))
        granted = self.granted_calls()
        for function in sorted(FUNCTIONS):
            with self.subTest(function=function):
                self.assertIn(function, recorded, f"iam-calls.json has no entry for {function}")
                self.assertEqual(granted[function], sorted(set(recorded[function])))

    def test_no_action_wildcards(self):
        for function, actions in self.granted_calls().items():
            for action in actions:
                self.assertRegex(action, r"^[a-z0-9-]+:[A-Za-z0-9]+$", f"{function}: {action}")
        m = self.m
        for name in ("platform_log_actions", "platform_kms_actions", "platform_queue_actions"):
            for action in m.local(name):
                self.assertRegex(action, r"^[a-z0-9-]+:[A-Za-z0-9]+$", name)
        # Every Allow statement written out literally, except the key's administrator (the
        # account root, as AWS's default key policy has it).
        for doc_name, doc in m.data["aws_iam_policy_document"].items():
            for stmt in blocks(doc, "statement"):
                if stmt.get("effect", "Allow") != "Allow" or stmt.get("sid") == "AccountAdministersTheKeyThroughIam":
                    continue
                for action in stmt.get("actions", []):
                    with self.subTest(policy=doc_name, action=action):
                        self.assertNotIn("*", action)

    def test_platform_policy_is_logs_kms_and_the_input_queue_only(self):
        m = self.m
        platform = expr(m.local("function_platform"))
        self.assertNotRegex(platform, r"actions\W+\[", "platform actions must come from the named lists")
        self.assertIn("local.platform_log_actions", platform)
        self.assertIn("local.platform_kms_actions", platform)
        self.assertIn(
            squash("contains(keys(local.consumed_queue), f) ? [{actions: ${local.platform_queue_actions}"),
            squash(platform),
        )
        self.assertEqual(
            set(m.local("platform_queue_actions")),
            {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"},
            "the SQS event source mapping's documented permissions",
        )
        for kind in ("calls", "platform"):
            attach = m.resource("aws_iam_role_policy", kind)
            self.assertEqual(expr(attach["role"]), "aws_iam_role.function[each.key].id")
            self.assertEqual(expr(attach["policy"]), f"data.aws_iam_policy_document.{kind}[each.key].json")

    def test_ecr_reads_are_limited_to_the_chosen_repositories(self):
        for function, stmts in self.m.local("function_calls").items():
            for stmt in stmts:
                ecr = [a for a in stmt["actions"] if a.startswith("ecr:")]
                if not ecr:
                    continue
                with self.subTest(function=function, actions=ecr):
                    if ecr == ["ecr:GetAuthorizationToken"]:
                        self.assertEqual(stmt["resources"], ["*"], "the token has no resource type")
                    else:
                        self.assertNotIn("ecr:GetAuthorizationToken", ecr)
                        self.assertEqual(stmt["resources"], "${local.repository_arns}")
        arns = expr(self.m.local("repository_arns"))
        self.assertIn("repository/${p}*", arns)
        self.assertIn("for p in var.repository_prefixes", arns)

    # --- storage -----------------------------------------------------------------------------

    def test_tables_are_on_demand_recoverable_and_encrypted(self):
        m = self.m
        for name in ("layer_cache", "scan_jobs", "results"):
            with self.subTest(table=name):
                t = m.resource("aws_dynamodb_table", name)
                self.assertEqual(t["billing_mode"], "PAY_PER_REQUEST")
                self.assertEqual(blocks(t, "point_in_time_recovery")[0]["enabled"], True)
                sse = blocks(t, "server_side_encryption")[0]
                self.assertEqual(sse["enabled"], True)
                self.assertEqual(expr(sse["kms_key_arn"]), "local.kms_key")
                attrs = {a["name"] for a in blocks(t, "attribute")}
                keys = {t["hash_key"], t.get("range_key")} - {None}
                for gsi in blocks(t, "global_secondary_index"):
                    keys |= {gsi["hash_key"], gsi.get("range_key")} - {None}
                self.assertEqual(attrs, keys, "declare exactly the key attributes")
        for name in ("layer_cache", "scan_jobs"):
            ttl = blocks(m.resource("aws_dynamodb_table", name), "ttl")[0]
            self.assertEqual(ttl["enabled"], True, name)

    def adapter_source(self):
        if not (ADAPTER / "src").is_dir():
            self.skipTest("shared/aws is not on this branch yet: nothing to compare with")
        return {p.name: p.read_text(encoding="utf-8") for p in (ADAPTER / "src").rglob("*.rs")}

    def test_tables_have_the_keys_ttl_and_indexes_the_adapter_uses(self):
        src = self.adapter_source()
        code = "\n".join(src.values())
        # provision.rs states the schema as a table: | name | `pk` (S, hash) + `sk` (S, range) | `ttl` |
        schema = re.findall(r"^//! \| ([a-z-]+) \| (.+?) \| (.+?) \|$", src.get("provision.rs", ""), re.M)
        self.assertTrue(schema, "shared/aws/src/provision.rs no longer documents the table schema")
        names = {"layer-cache": "layer_cache", "scan-jobs": "scan_jobs", "results": "results"}
        for table, keys, ttl in schema:
            if table not in names:
                continue
            with self.subTest(table=table):
                t = self.m.resource("aws_dynamodb_table", names[table])
                hash_key = re.search(r"`(\w+)` \(S, hash\)", keys).group(1)
                range_key = re.search(r"`(\w+)` \(S, range\)", keys)
                self.assertEqual(t["hash_key"], hash_key)
                self.assertEqual(t.get("range_key"), range_key.group(1) if range_key else None)
                ttl_attr = re.fullmatch(r"`(\w+)`", ttl.strip())
                got = blocks(t, "ttl")
                if ttl_attr:
                    self.assertEqual(got[0]["attribute_name"], ttl_attr.group(1))
                else:
                    self.assertFalse(got, f"{table} has no TTL in the adapter")
        used = set(re.findall(r'\.index_name\(\s*"([^"]+)"', code))
        declared = {
            g["name"]
            for name in names.values()
            for g in blocks(self.m.resource("aws_dynamodb_table", name), "global_secondary_index")
        }
        self.assertEqual(declared, used, "declare exactly the secondary indexes the adapter queries")

    def test_alarms_and_rules_use_the_names_the_adapter_publishes(self):
        src = self.adapter_source()
        consts = dict(re.findall(r'pub const ([A-Z_]+): &str = "([^"]+)";', "\n".join(src.values())))
        metrics = {v for k, v in consts.items() if k.startswith("METRIC_")}
        self.assertTrue(metrics, "shared/aws declares no METRIC_ constants")
        for alarm in ("critical_findings", "failed_scans"):
            body = self.m.resource("aws_cloudwatch_metric_alarm", alarm)
            with self.subTest(alarm=alarm):
                self.assertIn(body["metric_name"], metrics)
                self.assertEqual(expr(body["namespace"]), "var.metrics_namespace")
                self.assertNotIn("dimensions", body, "the adapter publishes an un-dimensioned series for alarms")
        self.assertEqual(self.m.resource("aws_cloudwatch_metric_alarm", "critical_findings")["metric_name"], consts.get("METRIC_CRITICAL"))
        self.assertEqual(self.m.resource("aws_cloudwatch_metric_alarm", "failed_scans")["metric_name"], consts.get("METRIC_SCAN_FAILURES"))
        self.assertEqual(self.m.local("findings_source"), consts.get("EVENT_SOURCE"))
        self.assertEqual(self.m.local("findings_detail_type"), consts.get("FINDINGS_DETAIL_TYPE"))
        env_rs = src.get("env.rs", "")
        for var, const in (("metrics_namespace", "DEFAULT_METRICS_NAMESPACE"), ("findings_event_bus_name", "DEFAULT_EVENT_BUS")):
            m = re.search(rf'pub const {const}: &str = "([^"]+)";', env_rs)
            if m:
                self.assertEqual(self.m.default(var), m.group(1), f"{var} defaults as the adapter does")

    def test_bucket_is_private_versioned_kms_and_tls_only(self):
        m = self.m
        pab = m.resource("aws_s3_bucket_public_access_block", "data")
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
            self.assertIs(pab[k], True, k)
        ver = blocks(m.resource("aws_s3_bucket_versioning", "data"), "versioning_configuration")[0]
        self.assertEqual(ver["status"], "Enabled")
        rule = blocks(m.resource("aws_s3_bucket_server_side_encryption_configuration", "data"), "rule")[0]
        sse = blocks(rule, "apply_server_side_encryption_by_default")[0]
        self.assertEqual(sse["sse_algorithm"], "aws:kms")
        (stmt,) = blocks(m.data["aws_iam_policy_document"]["bucket"], "statement")
        self.assertEqual(stmt["effect"], "Deny")
        (cond,) = blocks(stmt, "condition")
        self.assertEqual((cond["variable"], cond["values"]), ("aws:SecureTransport", ["false"]))

    def test_lifecycle_expires_the_spilled_inventories(self):
        prefix = rust_contract.spilled_inventory_prefix()
        rules = blocks(self.m.resource("aws_s3_bucket_lifecycle_configuration", "data"), "rule")
        spilled = [r for r in rules if blocks(r, "filter") and blocks(r, "filter")[0].get("prefix") == prefix]
        self.assertEqual(len(spilled), 1, f"one lifecycle rule on {prefix}")
        self.assertTrue(blocks(spilled[0], "expiration"))
        # The cache item pointing at a spilled object expires first.
        self.assertGreater(self.m.default("spilled_inventory_expiration_days"), self.m.default("ttl_days"))

    # --- alerts and outputs ------------------------------------------------------------------

    def test_critical_findings_rule_reads_fields_the_findings_event_has(self):
        m = self.m
        model = (REPO / "shared" / "pipeline" / "src" / "model.rs").read_text(encoding="utf-8")
        event = model[model.index("pub struct FindingsEvent") :]
        event = event[: event.index("\n}\n")]
        counts = model[model.index("pub struct SeverityCounts") :]
        location = model[model.index("pub struct ImageLocation") :]
        target = m.resource("aws_cloudwatch_event_target", "critical_findings")
        paths = blocks(target, "input_transformer")[0]["input_paths"]
        for path in paths.values():
            parts = path.split(".")
            self.assertEqual(parts[:2], ["$", "detail"])
            self.assertRegex(event, rf"pub {parts[2]}:", path)
            if parts[2] == "image":
                self.assertRegex(location, rf"pub {parts[3]}:", path)
            if parts[2] == "counts":
                self.assertRegex(counts, rf"pub {parts[3]}:", path)
        pattern = m.local("findings_critical_pattern")
        self.assertEqual(pattern["detail"], {"counts": {"critical": [{"numeric": [">", 0]}]}})
        sample = {"source": m.local("findings_source"), "detail-type": m.local("findings_detail_type")}
        resolved = dict(pattern, source=[sample["source"]], **{"detail-type": [sample["detail-type"]]})
        self.assertTrue(eventpattern.matches(resolved, dict(sample, detail={"counts": {"critical": 2}})))
        self.assertFalse(eventpattern.matches(resolved, dict(sample, detail={"counts": {"critical": 0}})))

    def test_outputs_cover_what_a_user_needs(self):
        want = {
            "layer_cache_table", "scan_jobs_table", "results_table", "bucket", "scan_queue_url",
            "layer_queue_url", "assemble_queue_url", "dead_letter_queue_urls", "alerts_topic_arn",
            "query_command",
        }
        self.assertLessEqual(want, set(self.m.outputs))
        self.assertIn("aws lambda invoke", self.m.outputs["query_command"]["value"])

    def test_query_command_asks_what_the_query_function_understands(self):
        command = self.m.outputs["query_command"]["value"]
        self.assertIn('${aws_lambda_function.this["query"].function_name}', command)
        payload = json.loads(re.search(r"--payload '(.+?)'", command).group(1))
        http = ADAPTER / "src" / "lambda" / "http.rs"
        if not http.is_file():
            self.skipTest("shared/aws/src/lambda/http.rs is not on this branch yet")
        text = http.read_text(encoding="utf-8")
        for key in re.findall(r'payload\.get\("([A-Za-z]+)"\)\.is_some\(\)', text):
            self.assertIn(key, payload, "the handler takes the payload for an HTTP request only with this key")
        accepted = set(re.findall(r'get\("([a-z]+)"\)', text))
        self.assertLessEqual(set(payload["queryStringParameters"]), accepted)

    def test_example_uses_the_module(self):
        example = Module(TERRAFORM / "aws" / "examples" / "basic")
        (body,) = example.modules.values()
        self.assertEqual(body["source"], "../../modules/layerwatch")
        for arg in body:
            if arg != "source":
                self.assertIn(arg, self.m.variables, f"the example passes an unknown input {arg}")
        required = {n for n, v in self.m.variables.items() if "default" not in v}
        self.assertLessEqual(required, set(body), "the example must set every required input")


if __name__ == "__main__":
    unittest.main()
