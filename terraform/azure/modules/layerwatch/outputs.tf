output "storage_account" {
  description = "Storage account holding the cache, jobs, results, indexes and reports (container `layerwatch`)."
  value       = azurerm_storage_account.this.name
}

output "container" {
  description = "Blob container with reports/v1/ (JSON report and CycloneDX SBOM per platform image), results/ and index/ (what query lists)."
  value       = azurerm_storage_container.data.name
}

output "queues" {
  description = "Storage queues between the functions; a message that fails every retry moves to <queue>-poison."
  value       = { layer = azurerm_storage_queue.layer.name, assemble = azurerm_storage_queue.assemble.name }
}

output "function_app_name" {
  description = "The Function App running the custom handler (dispatch, analyze-layer, assemble, query, refresh-advisories)."
  value       = azurerm_function_app_flex_consumption.this.name
}

output "function_app_principal_id" {
  description = "Object id of the app's system-assigned identity (AcrPull on the registry, Blob and Queue data roles on the account)."
  value       = local.principal
}

output "application_insights_id" {
  description = "Application Insights resource: traces of every scan, and the scope of the alert rules."
  value       = azurerm_application_insights.this.id
}

output "action_group_id" {
  description = "Action group the alert rules notify; add receivers (webhook, Teams, SMS) to it."
  value       = azurerm_monitor_action_group.alerts.id
}

output "event_subscription_id" {
  description = "Event Grid subscription delivering ImagePushed events to dispatch."
  value       = azurerm_eventgrid_system_topic_event_subscription.image_pushed.id
}

output "query_command" {
  description = "Ask the query function which images a CVE affects (query string: cve, package (+version), digest, or registry and repository (+tag)); the function key comes from the Azure CLI."
  value       = "curl -s -H \"x-functions-key: $(az functionapp keys list -g ${var.resource_group_name} -n ${azurerm_function_app_flex_consumption.this.name} --query functionKeys.default -o tsv)\" \"https://${azurerm_function_app_flex_consumption.this.default_hostname}/api/query?cve=CVE-2024-6119\""
}
