resource "azurerm_log_analytics_workspace" "this" {
  name                = "${var.name}-logs"
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = local.tags
}

resource "azurerm_application_insights" "this" {
  name                          = "${var.name}-insights"
  resource_group_name           = var.resource_group_name
  location                      = var.location
  workspace_id                  = azurerm_log_analytics_workspace.this.id
  application_type              = "other"
  local_authentication_disabled = true
  tags                          = local.tags
}

resource "azurerm_monitor_action_group" "alerts" {
  name                = "${var.name}-alerts"
  resource_group_name = var.resource_group_name
  short_name          = substr(replace(var.name, "-", ""), 0, 12)

  dynamic "email_receiver" {
    for_each = var.alert_email == "" ? [] : [var.alert_email]

    content {
      name                    = "email"
      email_address           = email_receiver.value
      use_common_alert_schema = true
    }
  }

  tags = local.tags
}

locals {
  # The handler logs one structured line per alert (shared/azure: `event = "Layerwatch..."`);
  # the Functions host forwards the handler's output to Application Insights as traces.
  alert_queries = {
    critical-findings = {
      description = "A scanned image has critical findings; the trace names the image, digest and report."
      severity    = 1
      query       = <<-KQL
        traces
        | where message has "LayerwatchFindings"
        | where message matches regex @'"critical"\s*:\s*[1-9]'
      KQL
    }
    failed-scans = {
      description = "A scan ended failed; the trace and the failed-scan report under alerts/failed/ say why."
      severity    = 1
      query       = <<-KQL
        traces
        | where message has "LayerwatchScanFailed"
      KQL
    }
    poison-messages = {
      description = "A queue message failed every retry and was moved to a -poison queue (the dead-letter queue of Storage queues)."
      severity    = 2
      query       = <<-KQL
        traces
        | where message has "MaxDequeueCount"
      KQL
    }
    function-failures = {
      description = "Function invocations failed (queue messages are retried; Event Grid redelivers)."
      severity    = 3
      query       = <<-KQL
        requests
        | where success == false
      KQL
    }
  }
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "this" {
  for_each = local.alert_queries

  name                 = "${var.name}-${each.key}"
  resource_group_name  = var.resource_group_name
  location             = var.location
  description          = each.value.description
  severity             = each.value.severity
  scopes               = [azurerm_application_insights.this.id]
  evaluation_frequency = "PT5M"
  window_duration      = "PT5M"
  enabled              = true

  criteria {
    query                   = each.value.query
    time_aggregation_method = "Count"
    operator                = "GreaterThan"
    threshold               = 0

    failing_periods {
      minimum_failing_periods_to_trigger_alert = 1
      number_of_evaluation_periods             = 1
    }
  }

  action {
    action_groups = [azurerm_monitor_action_group.alerts.id]
  }

  tags = local.tags
}
