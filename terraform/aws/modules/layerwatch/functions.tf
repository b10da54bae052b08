resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key
  tags              = local.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:the functions reach the registry and the AWS APIs over the internet; a VPC would add a NAT gateway (cost) without narrowing what the IAM role allows
  #checkov:skip=CKV_AWS_272:the zips come from the user's own cargo lambda build; code signing needs a signer profile the module cannot assume
  #checkov:skip=CKV_AWS_116:queue-fed functions are invoked synchronously by the event source mapping (their failures go to the source queue's DLQ); refresh-advisories' schedule target has its own DLQ
  for_each = local.functions

  function_name                  = "${var.name}-${each.key}"
  description                    = "Layerwatch ${each.key}"
  role                           = aws_iam_role.function[each.key].arn
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  architectures                  = [var.architecture]
  filename                       = "${var.lambda_zip_dir}/${each.key}/bootstrap.zip"
  source_code_hash               = filebase64sha256("${var.lambda_zip_dir}/${each.key}/bootstrap.zip")
  memory_size                    = each.value.memory_mb
  timeout                        = each.value.timeout_seconds
  reserved_concurrent_executions = each.value.reserved_concurrency
  kms_key_arn                    = local.kms_key

  ephemeral_storage {
    size = each.value.ephemeral_storage_mb
  }

  environment {
    variables = local.function_environment
  }

  tracing_config {
    mode = "PassThrough"
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  tags = local.tags

  # The first invocation writes logs and may poll: the role's policies must exist by then.
  depends_on = [aws_iam_role_policy.platform, aws_iam_role_policy.calls]
}

# Queue -> function. One message per invocation: a layer is minutes of work, and a failure
# retries only that message. ReportBatchItemFailures lets a handler that answers with
# batchItemFailures fail its message without an error; an empty answer counts as success.
resource "aws_lambda_event_source_mapping" "queue" {
  for_each = local.queue_consumers

  event_source_arn        = local.source_queues[each.key].arn
  function_name           = aws_lambda_function.this[each.value].arn
  batch_size              = 1
  enabled                 = true
  function_response_types = ["ReportBatchItemFailures"]

  # Polling no faster than the function may run: messages beyond its reserved concurrency would
  # be throttled, received again and pushed towards the dead-letter queue for nothing.
  scaling_config {
    maximum_concurrency = local.functions[each.value].reserved_concurrency
  }
}

resource "aws_cloudwatch_event_rule" "refresh" {
  name                = "${var.name}-refresh-advisories"
  description         = "Rebuild the Layerwatch advisory snapshot"
  schedule_expression = var.refresh_schedule
  tags                = local.tags
}

resource "aws_cloudwatch_event_target" "refresh" {
  rule      = aws_cloudwatch_event_rule.refresh.name
  target_id = "refresh-advisories"
  arn       = aws_lambda_function.this["refresh-advisories"].arn

  retry_policy {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 3600
  }

  dead_letter_config {
    arn = aws_sqs_queue.events_dead.arn
  }
}

resource "aws_lambda_permission" "refresh" {
  statement_id  = "ScheduleInvokes"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["refresh-advisories"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.refresh.arn
}
