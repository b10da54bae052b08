terraform {
  required_version = ">= 1.5.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # Flex Consumption with runtime "custom" and zip_deploy_file, storage queues by account id.
      version = ">= 4.40, < 5.0"
    }
  }
}
