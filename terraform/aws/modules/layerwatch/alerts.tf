resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = local.kms_key
  tags              = local.tags
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == "" ? 0 : 1

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

# CloudWatch alarms and the critical-findings rule publish here, each only from this account.
data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "AlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "CriticalFindingsRulePublishes"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.critical_findings.arn]
    }
  }
}

# Metrics assemble publishes (shared/aws): critical findings per scan, and failed scans.
resource "aws_cloudwatch_metric_alarm" "critical_findings" {
  alarm_name          = "${var.name}-critical-findings"
  alarm_description   = "A scanned image has critical findings; the findings event on EventBridge names the image and the report."
  namespace           = var.metrics_namespace
  metric_name         = "CriticalFindings"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.critical_findings_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "failed_scans" {
  alarm_name          = "${var.name}-failed-scans"
  alarm_description   = "A scan ended failed; its failed-scan report and the scan-jobs row say why."
  namespace           = var.metrics_namespace
  metric_name         = "ScanFailures"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}

locals {
  dead_letter_queues = merge(
    { for q in keys(local.queue_consumers) : q => aws_sqs_queue.dead[q].name },
    { events = aws_sqs_queue.events_dead.name },
  )
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each = local.dead_letter_queues

  alarm_name          = "${var.name}-${each.key}-dead-letters"
  alarm_description   = "Messages in ${each.value}: work that failed every retry. Inspect them, fix the cause, then redrive to the source queue."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = local.functions

  alarm_name          = "${var.name}-${each.key}-errors"
  alarm_description   = "The ${each.key} function failed invocations (its queue retries them)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = local.tags
}

# assemble puts one findings event per scanned image on the bus; this rule is an example of a
# user's own rule (and the module's e-mail path): images with critical findings go to the topic.
resource "aws_cloudwatch_event_rule" "critical_findings" {
  name           = "${var.name}-critical-findings"
  description    = "Layerwatch findings events with at least one critical finding"
  event_bus_name = var.findings_event_bus_name
  event_pattern  = jsonencode(local.findings_critical_pattern)
  tags           = local.tags
}

resource "aws_cloudwatch_event_target" "critical_findings" {
  rule           = aws_cloudwatch_event_rule.critical_findings.name
  event_bus_name = var.findings_event_bus_name
  target_id      = "alerts-topic"
  arn            = aws_sns_topic.alerts.arn

  input_transformer {
    input_paths = {
      image    = "$.detail.image.repository"
      digest   = "$.detail.digest"
      critical = "$.detail.counts.critical"
      report   = "$.detail.report_key"
    }
    input_template = "\"<critical> critical findings in <image>@<digest>; report s3://${aws_s3_bucket.data.id}/<report>\""
  }

  dead_letter_config {
    arn = aws_sqs_queue.events_dead.arn
  }
}

locals {
  findings_source      = "layerwatch"
  findings_detail_type = "Layerwatch Findings"
  findings_critical_pattern = {
    source      = [local.findings_source]
    detail-type = [local.findings_detail_type]
    detail      = { counts = { critical = [{ numeric = [">", 0] }] } }
  }
}
