output "layer_cache_table" {
  description = "DynamoDB table of layer inventories (layer digest + analyzer version)."
  value       = aws_dynamodb_table.layer_cache.name
}

output "scan_jobs_table" {
  description = "DynamoDB table of scan jobs: look here for a failed scan's reason."
  value       = aws_dynamodb_table.scan_jobs.name
}

output "results_table" {
  description = "DynamoDB table of results rows and their CVE and package index items (what query reads)."
  value       = aws_dynamodb_table.results.name
}

output "bucket" {
  description = "S3 bucket holding reports/ (JSON report and CycloneDX SBOM per platform image), layers/ (spilled inventories) and advisories/ (snapshots)."
  value       = aws_s3_bucket.data.id
}

output "scan_queue_url" {
  description = "SQS queue of push events (EventBridge -> dispatch); send an ECR Image Action event here to rescan an image."
  value       = aws_sqs_queue.scan.url
}

output "layer_queue_url" {
  description = "SQS queue of layer jobs (dispatch -> analyze-layer)."
  value       = aws_sqs_queue.layer.url
}

output "assemble_queue_url" {
  description = "SQS queue of assemble jobs (analyze-layer or dispatch -> assemble)."
  value       = aws_sqs_queue.assemble.url
}

output "dead_letter_queue_urls" {
  description = "Dead-letter queues by source (scan, layer, assemble, events): messages that failed every retry."
  value       = merge({ for q in keys(local.queue_consumers) : q => aws_sqs_queue.dead[q].url }, { events = aws_sqs_queue.events_dead.url })
}

output "alerts_topic_arn" {
  description = "SNS topic the alarms and the critical-findings rule publish to; subscribe more endpoints here."
  value       = aws_sns_topic.alerts.arn
}

output "findings_event_pattern" {
  description = "EventBridge pattern matching every findings event assemble publishes; narrow it (e.g. by detail.image.repository) for your own rules."
  value       = jsonencode({ source = [local.findings_source], detail-type = [local.findings_detail_type] })
}

output "function_names" {
  description = "Lambda function names by role (dispatch, analyze-layer, assemble, query, refresh-advisories)."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "kms_key_arn" {
  description = "KMS key encrypting the tables, bucket, queues, topic and logs."
  value       = local.kms_key
}

output "query_command" {
  description = "Ask the query function which images a CVE affects; the payload has the shape of an HTTP request, with the query string parameters cve, package (+version), digest or repository (+tag), see docs/deploy.md."
  value       = "aws lambda invoke --region ${local.region} --function-name ${aws_lambda_function.this["query"].function_name} --cli-binary-format raw-in-base64-out --payload '{\"rawPath\":\"/\",\"requestContext\":{},\"queryStringParameters\":{\"cve\":\"CVE-2024-6119\"}}' /dev/stdout"
}

output "refresh_command" {
  description = "Build the first advisory snapshot now instead of waiting for the schedule (assemble needs one)."
  value       = "aws lambda invoke --region ${local.region} --function-name ${aws_lambda_function.this["refresh-advisories"].function_name} /dev/stdout"
}
