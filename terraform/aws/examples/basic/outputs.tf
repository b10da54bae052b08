output "results_table" {
  description = "DynamoDB table to query for results."
  value       = module.layerwatch.results_table
}

output "bucket" {
  description = "S3 bucket with the reports under reports/v1/."
  value       = module.layerwatch.bucket
}

output "scan_queue_url" {
  description = "Queue of push events (send one to rescan an image)."
  value       = module.layerwatch.scan_queue_url
}

output "dead_letter_queue_urls" {
  description = "Dead-letter queues to inspect when a DLQ alarm fires."
  value       = module.layerwatch.dead_letter_queue_urls
}

output "alerts_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.layerwatch.alerts_topic_arn
}

output "query_command" {
  description = "Which images a CVE affects."
  value       = module.layerwatch.query_command
}

output "refresh_command" {
  description = "Build the first advisory snapshot right after apply."
  value       = module.layerwatch.refresh_command
}
