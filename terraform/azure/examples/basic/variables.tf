variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "layerwatch"
}

variable "resource_group_name" {
  description = "Existing resource group for the deployment."
  type        = string
}

variable "location" {
  description = "Azure region with the Flex Consumption plan."
  type        = string
}

variable "registry_name" {
  description = "Name of the Azure Container Registry to scan."
  type        = string
}

variable "registry_resource_group" {
  description = "Resource group of that registry."
  type        = string
}

variable "package_zip" {
  description = "The custom-handler zip built as docs/deploy.md shows."
  type        = string
  default     = "../../../../target/azure/layerwatch-azure.zip"
}

variable "alert_email" {
  description = "E-mail address for critical findings and failed scans; empty for none."
  type        = string
  default     = ""
}
