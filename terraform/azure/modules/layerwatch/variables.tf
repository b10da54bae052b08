variable "name" {
  description = "Prefix of every resource name (letters, digits and dashes)."
  type        = string
  default     = "layerwatch"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name must be 2-21 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "resource_group_name" {
  description = "Existing resource group to deploy into."
  type        = string
}

variable "location" {
  description = "Azure region (one where the Flex Consumption plan is offered)."
  type        = string
}

variable "registry_id" {
  description = "Resource id of the Azure Container Registry to scan: pushes to it are scanned, and the function app gets AcrPull on it."
  type        = string
}

variable "package_zip" {
  description = "Zip of the custom handler: host.json, one folder per function with its function.json, and the handler binary, as docs/deploy.md builds it from functions/azure-handler."
  type        = string
}

variable "track_deletes" {
  description = "Also deliver ImageDeleted events to dispatch, which marks the image's results deleted (results and reports are kept). false delivers pushes only."
  type        = bool
  default     = true
}

variable "storage_replication" {
  description = "Replication of the storage account holding the cache, jobs, results and reports (LRS, ZRS, GRS, GZRS...)."
  type        = string
  default     = "ZRS"
}

variable "blob_soft_delete_days" {
  description = "Days deleted blobs and containers stay recoverable."
  type        = number
  default     = 7
}

variable "noncurrent_version_expiration_days" {
  description = "Days an overwritten blob version is kept."
  type        = number
  default     = 30
}

variable "spilled_inventory_expiration_days" {
  description = "Days after which spilled inventories (layers/) expire."
  type        = number
  default     = 60
}

variable "instance_memory_mb" {
  description = "Memory of each Flex Consumption instance (2048 or 4096): layers are decompressed in memory-bounded streams, and CPU scales with memory."
  type        = number
  default     = 2048

  validation {
    condition     = contains([512, 2048, 4096], var.instance_memory_mb)
    error_message = "instance_memory_mb must be 512, 2048 or 4096."
  }
}

variable "maximum_instance_count" {
  description = "Most instances the app scales out to (bounds registry egress and cost during a burst of pushes)."
  type        = number
  default     = 40
}

variable "ttl_days" {
  description = "Days a layer cache entry lives unused, and a scan job lives at all."
  type        = number
  default     = 30
}

variable "advisory_source" {
  description = "Where refresh-advisories reads feeds: an https URL of a mirror, or empty for the upstream feeds."
  type        = string
  default     = ""
}

variable "log_retention_days" {
  description = "Retention of the Log Analytics workspace behind Application Insights."
  type        = number
  default     = 90
}

variable "alert_email" {
  description = "E-mail address of the action group for critical findings and failed scans; empty adds no e-mail receiver."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
