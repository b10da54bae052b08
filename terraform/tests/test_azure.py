"""The Azure module's wiring, checked against the handler it deploys and the events it must catch."""

import json
import re
import unittest

import rust_contract
from hcl import REPO, TERRAFORM, Module, blocks, expr, shared_dir, squash

MODULE_DIR = TERRAFORM / "azure" / "modules" / "layerwatch"
HANDLER = REPO / "functions" / "azure-handler"
ADAPTER = REPO / "shared" / "azure"

IMAGE_PUSHED = "Microsoft.ContainerRegistry.ImagePushed"

# Which value each variable must carry on Azure (config.rs's own doc comments).
SETTING_TARGETS = {
    "LAYERWATCH_BLOB_ENDPOINT": 'trimsuffix(azurerm_storage_account.this.primary_blob_endpoint, "/")',
    "LAYERWATCH_QUEUE_ENDPOINT": 'trimsuffix(azurerm_storage_account.this.primary_queue_endpoint, "/")',
    "LAYERWATCH_CONTAINER": "local.container",
    "LAYERWATCH_LAYER_QUEUE": "local.layer_queue",
    "LAYERWATCH_ASSEMBLE_QUEUE": "local.assemble_queue",
    "LAYERWATCH_ADVISORY_SOURCE": "var.advisory_source",
    "LAYERWATCH_TTL_DAYS": "tostring(var.ttl_days)",
}

# Read by the adapter but deliberately unset: Shared Key signing is for Azurite; the deployed
# app signs in with its managed identity (the account's shared key is disabled), and pulls from
# ACR with the same identity instead of static registry credentials.
SHARED_KEY_ONLY = {"LAYERWATCH_STORAGE_ACCOUNT", "LAYERWATCH_STORAGE_KEY"} | set(rust_contract.REGISTRY_CREDENTIALS) | set(rust_contract.REGISTRY_STAND_INS)


def acr_events():
    """(file, event) for every ACR sample, arrays (Event Grid batches) flattened."""
    paths = sorted((REPO / "events").glob("acr-*.json"))
    paths += sorted((shared_dir() / "reference" / "events").glob("azure-acr-*.json"))
    out = []
    for p in paths:
        doc = json.loads(p.read_text(encoding="utf-8"))
        for event in doc if isinstance(doc, list) else [doc]:
            out.append((p.name, event))
    return out


class AzureModule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = Module(MODULE_DIR)

    def app(self):
        return self.m.resource("azurerm_function_app_flex_consumption", "this")

    def test_subscription_delivers_exactly_the_image_pushes(self):
        sub = self.m.resource("azurerm_eventgrid_system_topic_event_subscription", "image_pushed")
        self.assertEqual(
            squash(sub["included_event_types"]),
            squash("${concat(local.pushed_event_types, var.track_deletes ? local.deleted_event_types : [])}"),
        )
        self.assertEqual(self.m.local("pushed_event_types"), [IMAGE_PUSHED])
        self.assertIs(self.m.default("track_deletes"), True)
        events = acr_events()
        self.assertGreaterEqual(len(events), 8)
        for track_deletes in (False, True):
            types = self.m.local("pushed_event_types") + (self.m.local("deleted_event_types") if track_deletes else [])
            for name, event in events:
                # Event Grid schema says eventType, CloudEvents says type.
                delivered = (event.get("eventType") or event.get("type")) in types
                # The file names say what each sample is (events/README.md).
                want = "imagepushed" in name.lower() or (track_deletes and "imagedeleted" in name.lower())
                with self.subTest(event=name, id=event.get("id"), track_deletes=track_deletes):
                    self.assertEqual(delivered, want, name)
        self.assertEqual(expr(sub["system_topic"]), "azurerm_eventgrid_system_topic.registry.name")
        topic = self.m.resource("azurerm_eventgrid_system_topic", "registry")
        self.assertEqual(topic["topic_type"], "Microsoft.ContainerRegistry.Registries")
        self.assertEqual(expr(topic["source_resource_id"]), "var.registry_id")

    def test_subscription_targets_dispatch_after_the_code_is_deployed(self):
        sub = self.m.resource("azurerm_eventgrid_system_topic_event_subscription", "image_pushed")
        (endpoint,) = blocks(sub, "azure_function_endpoint")
        self.assertEqual(
            endpoint["function_id"], "${azurerm_function_app_flex_consumption.this.id}/functions/dispatch"
        )
        deps = [expr(d) for d in sub.get("depends_on", [])]
        self.assertIn("azurerm_function_app_flex_consumption.this", deps)
        self.assertIn("azurerm_role_assignment.app", deps)
        self.assertEqual(expr(self.app()["zip_deploy_file"]), "var.package_zip")
        self.assertTrue(blocks(sub, "storage_blob_dead_letter_destination"), "undeliverable events are kept")

    def test_app_runs_the_custom_handler_on_flex_consumption_with_its_identity(self):
        plan = self.m.resource("azurerm_service_plan", "this")
        self.assertEqual((plan["sku_name"], plan["os_type"]), ("FC1", "Linux"))
        app = self.app()
        self.assertEqual(app["runtime_name"], "custom")
        self.assertEqual(app["storage_authentication_type"], "SystemAssignedIdentity")
        self.assertEqual(blocks(app, "identity")[0]["type"], "SystemAssigned")
        self.assertIs(app["https_only"], True)
        self.assertEqual(expr(app["app_settings"]), "local.app_settings")
        # The host's storage through the identity, not a connection string.
        self.assertEqual(expr(app["function_app_storage_account_name"]), "azurerm_storage_account.this.name")
        self.assertIs(app["function_app_storage_uses_managed_identity"], True)
        self.assertFalse(any(k.startswith("AzureWebJobsStorage") for k in self.m.local("app_settings")))

    def test_identity_holds_acr_pull_and_the_data_roles(self):
        roles = {k: (expr(v["scope"]), v["role"]) for k, v in self.m.local("role_assignments").items()}
        self.assertIn(("var.registry_id", "AcrPull"), roles.values())
        account = "azurerm_storage_account.this.id"
        self.assertIn((account, "Storage Blob Data Owner"), roles.values())
        self.assertIn((account, "Storage Queue Data Contributor"), roles.values())
        assignment = self.m.resource("azurerm_role_assignment", "app")
        self.assertEqual(expr(assignment["for_each"]), "local.role_assignments")
        self.assertEqual(expr(assignment["principal_id"]), "local.principal")
        self.assertEqual(
            expr(self.m.local("principal")), "azurerm_function_app_flex_consumption.this.identity[0].principal_id"
        )

    def test_storage_is_private_tls12_versioned_and_keyless(self):
        sa = self.m.resource("azurerm_storage_account", "this")
        self.assertEqual(sa["min_tls_version"], "TLS1_2")
        self.assertIs(sa["allow_nested_items_to_be_public"], False)
        self.assertIs(sa["shared_access_key_enabled"], False)
        self.assertIs(sa["https_traffic_only_enabled"], True)
        self.assertIs(blocks(sa, "blob_properties")[0]["versioning_enabled"], True)
        for name in ("data", "deployment", "dead_letters"):
            self.assertEqual(self.m.resource("azurerm_storage_container", name)["container_access_type"], "private")

    def test_storage_account_name_is_valid(self):
        # substr("${replace(var.name, "-", "")}${substr(sha1(<rg id>), 0, 10)}", 0, 24)
        self.assertIn(
            squash('substr(${replace(var.name, -, )}${substr(sha1(data.azurerm_resource_group.this.id), 0, 10)}, 0, 24)'),
            squash(self.m.local("storage_account_name")),
        )
        import hashlib

        for name in (self.m.default("name"), "a-very-long-prefix-21"):
            rg = "/subscriptions/0/resourceGroups/rg"
            got = (name.replace("-", "") + hashlib.sha1(rg.encode()).hexdigest()[:10])[:24]
            self.assertRegex(got, r"^[a-z0-9]{3,24}$")

    def test_settings_name_the_right_resources(self):
        settings = self.m.local("app_settings")
        consts = set(rust_contract.config_constants().values())
        for name, value in settings.items():
            if not name.startswith("LAYERWATCH_"):
                continue
            with self.subTest(setting=name):
                self.assertIn(name, consts)
                self.assertEqual(expr(value), SETTING_TARGETS[name])
        self.assertEqual(expr(self.m.resource("azurerm_storage_queue", "layer")["name"]), "local.layer_queue")
        self.assertEqual(expr(self.m.resource("azurerm_storage_queue", "assemble")["name"]), "local.assemble_queue")
        self.assertEqual(expr(self.m.resource("azurerm_storage_container", "data")["name"]), "local.container")
        for secret in SHARED_KEY_ONLY:
            self.assertNotIn(secret, settings)

    def test_every_variable_the_handler_reads_is_set(self):
        crates = rust_contract.crate_closure(HANDLER) if HANDLER.is_dir() else []
        if not crates and ADAPTER.is_dir():
            crates = rust_contract.crate_closure(ADAPTER)
        if not crates:
            self.skipTest("neither functions/azure-handler nor shared/azure is on this branch yet")
        settings = set(self.m.local("app_settings"))
        read = rust_contract.variables_read(crates)
        self.assertTrue(read, "the handler reads no LAYERWATCH_ variable: the scan is broken")
        missing = {v: f for v, f in read.items() if v not in settings and v not in SHARED_KEY_ONLY}
        self.assertEqual(missing, {}, "read by the handler but not set on the app")

    def test_queue_triggers_name_the_module_queues(self):
        bindings = sorted(HANDLER.rglob("function.json")) if HANDLER.is_dir() else []
        if not bindings:
            self.skipTest("functions/azure-handler has no function.json files on this branch yet")
        queues = {self.m.local("layer_queue"), self.m.local("assemble_queue")}
        settings = self.m.local("app_settings")
        by_function = {}
        for path in bindings:
            doc = json.loads(path.read_text(encoding="utf-8"))
            for b in doc.get("bindings", []):
                by_function.setdefault(path.parent.name, []).append(b)
                if b.get("type") == "queueTrigger":
                    name = b.get("queueName", "")
                    m = re.fullmatch(r"%([A-Za-z0-9_]+)%", name)
                    resolved = expr(settings[m.group(1)]) if m else name
                    with self.subTest(function=path.parent.name):
                        if m:
                            self.assertIn(resolved, ("local.layer_queue", "local.assemble_queue"))
                        else:
                            self.assertIn(name, queues)
        self.assertIn("dispatch", by_function, "Event Grid targets a function named dispatch")
        self.assertIn("eventGridTrigger", [b.get("type") for b in by_function["dispatch"]])

    def test_query_command_asks_what_the_query_function_understands(self):
        command = self.m.outputs["query_command"]["value"]
        m = re.search(r"https://\$\{azurerm_function_app_flex_consumption\.this\.default_hostname\}/api/([a-z-]+)\?([^\"]+)", command)
        self.assertIsNotNone(m, command)
        route, query = m.group(1), m.group(2)
        binding = HANDLER / "host" / "query" / "function.json"
        http = HANDLER / "src" / "http.rs"
        if not (binding.is_file() and http.is_file()):
            self.skipTest("functions/azure-handler's query function is not on this branch yet")
        doc = json.loads(binding.read_text(encoding="utf-8"))
        trigger = [b for b in doc["bindings"] if b.get("type") == "httpTrigger"][0]
        self.assertEqual(trigger.get("route"), route)
        self.assertEqual(trigger.get("authLevel"), "function", "the command sends a function key")
        host = json.loads((HANDLER / "host" / "host.json").read_text(encoding="utf-8"))
        self.assertEqual(host.get("extensions", {}).get("http", {}).get("routePrefix", "api"), "api")
        accepted = set(re.findall(r'get\("([a-z]+)"\)', http.read_text(encoding="utf-8")))
        params = {kv.split("=")[0] for kv in query.split("&")}
        self.assertLessEqual(params, accepted)

    def test_alert_rules_match_what_the_handler_logs(self):
        queries = self.m.local("alert_queries")
        rule = self.m.resource("azurerm_monitor_scheduled_query_rules_alert_v2", "this")
        self.assertEqual(expr(rule["for_each"]), "local.alert_queries")
        self.assertEqual(rule["scopes"], ["${azurerm_application_insights.this.id}"])
        (action,) = blocks(rule, "action")
        self.assertEqual(action["action_groups"], ["${azurerm_monitor_action_group.alerts.id}"])
        for key in ("critical-findings", "failed-scans"):
            self.assertIn(key, queries)
        if not ADAPTER.is_dir():
            self.skipTest("shared/azure is not on this branch yet: the log markers cannot be compared")
        markers = set()
        for path in (ADAPTER / "src").rglob("*.rs"):
            markers |= set(re.findall(r'event\s*=\s*"(Layerwatch[A-Za-z]+)"', path.read_text(encoding="utf-8")))
        self.assertTrue(markers, "shared/azure logs no `event = \"Layerwatch...\"` line")
        used = {m for q in queries.values() for m in re.findall(r"Layerwatch[A-Za-z]+", q["query"])}
        self.assertEqual(used, markers, "each alert line the handler logs has a rule, and no rule waits for a line never logged")
        critical = queries["critical-findings"]["query"]
        self.assertRegex('{"event":"LayerwatchFindings","critical":3}', critical.split("regex @'")[1].split("'")[0])


if __name__ == "__main__":
    unittest.main()
