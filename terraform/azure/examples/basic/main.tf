# A complete deployment: scan every push to one Azure Container Registry, alerts by e-mail.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 4.40, < 5.0"
    }
  }
}

provider "azurerm" {
  features {}

  # The storage account has no shared key: the provider must use Entra ID for data-plane calls.
  storage_use_azuread = true
}

data "azurerm_container_registry" "scanned" {
  name                = var.registry_name
  resource_group_name = var.registry_resource_group
}

module "layerwatch" {
  source = "../../modules/layerwatch"

  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  registry_id         = data.azurerm_container_registry.scanned.id
  package_zip         = var.package_zip
  alert_email         = var.alert_email
}
