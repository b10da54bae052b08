# A complete deployment in one region: scan every push to ECR repositories under "team/" and
# mail the alerts. `terraform apply -var lambda_zip_dir=../../../../target/lambda -var alarm_email=you@example.com`.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region
}

module "layerwatch" {
  source = "../../modules/layerwatch"

  name                = var.name
  lambda_zip_dir      = var.lambda_zip_dir
  architecture        = var.architecture
  repository_prefixes = var.repository_prefixes
  alarm_email         = var.alarm_email
}
