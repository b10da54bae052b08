variable "region" {
  description = "AWS region of the ECR registry to scan."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "layerwatch"
}

variable "lambda_zip_dir" {
  description = "The target/lambda folder of `cargo lambda build --release --output-format zip` (one <function>/bootstrap.zip each)."
  type        = string
  default     = "../../../../target/lambda"
}

variable "architecture" {
  description = "x86_64, or arm64 when the zips were built with --arm64."
  type        = string
  default     = "x86_64"
}

variable "repository_prefixes" {
  description = "ECR repository name prefixes to scan; empty scans every repository."
  type        = list(string)
  default     = []
}

variable "alarm_email" {
  description = "E-mail address for the alerts (confirm the subscription mail); empty for none."
  type        = string
  default     = ""
}
