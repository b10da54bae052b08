output "storage_account" {
  description = "Storage account with the reports (container layerwatch, prefix reports/v1/)."
  value       = module.layerwatch.storage_account
}

output "function_app_name" {
  description = "The Function App running the handler."
  value       = module.layerwatch.function_app_name
}

output "action_group_id" {
  description = "Action group of the alert rules."
  value       = module.layerwatch.action_group_id
}

output "query_command" {
  description = "Which images a CVE affects."
  value       = module.layerwatch.query_command
}
