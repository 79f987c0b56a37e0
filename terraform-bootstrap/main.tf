data "google_project" "runwire" {
  project_id = var.project_id
}

locals {
  prefix = var.name_prefix

  # Google-managed service agent that pushes and dead-letters for every subscription in the
  # project (created when the Pub/Sub API is enabled).
  pubsub_service_agent = "serviceAccount:service-${data.google_project.runwire.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  # The deployment policy both the function and the job read (see variables.tf).
  policy_env = {
    RUNWIRE_ALLOWED_PROJECTS       = join(",", var.target_projects)
    RUNWIRE_ALLOWED_REGIONS        = join(",", var.allowed_regions)
    RUNWIRE_ALLOWED_IMAGE_PREFIXES = join(",", var.allowed_image_prefixes)
    RUNWIRE_ALLOW_PUBLIC_SERVICES  = tostring(var.allow_public_services)
    RUNWIRE_ALLOW_ADOPTION         = tostring(var.allow_adoption)
    RUNWIRE_DATA_LOSS_PROJECTS     = join(",", var.data_loss_projects)
  }

  drift_check_regions = length(var.drift_check_regions) > 0 ? var.drift_check_regions : (
    length(var.allowed_regions) > 0 ? var.allowed_regions : [var.region]
  )

  # APIs used in the project runwire runs in.
  host_apis = toset([
    "artifactregistry.googleapis.com",     # the runwire image repository, the function's build output
    "cloudbuild.googleapis.com",           # builds the function from its source zip
    "cloudfunctions.googleapis.com",       # the 2nd-gen function
    "cloudresourcemanager.googleapis.com", # project number lookup, IAM bindings
    "cloudscheduler.googleapis.com",       # the drift-check schedule
    "compute.googleapis.com",              # Direct VPC egress of the job (network, subnet)
    "eventarc.googleapis.com",             # the function's Pub/Sub trigger
    "iam.googleapis.com",                  # service accounts, custom roles
    "iamcredentials.googleapis.com",       # OIDC/OAuth tokens for the trigger and the scheduler
    "logging.googleapis.com",              # function build logs, job and function logs
    "pubsub.googleapis.com",               # requests, events, dead-letter topics
    "run.googleapis.com",                  # the job, the function's Cloud Run service
    "storage.googleapis.com",              # the function source bucket
  ])

  # APIs the job calls in every target project.
  target_apis = toset([
    "compute.googleapis.com",       # network, subnet, firewall, router + NAT, static address
    "redis.googleapis.com",         # Memorystore for Redis
    "run.googleapis.com",           # the Cloud Run services it wires
    "secretmanager.googleapis.com", # the Redis AUTH string as a secret
    "vpcaccess.googleapis.com",     # Serverless VPC Access connectors
  ])
}

resource "google_project_service" "host" {
  for_each = local.host_apis

  project = var.project_id
  service = each.value
  # Other workloads in the project may use these APIs: never switch them off on destroy.
  disable_on_destroy         = false
  disable_dependent_services = false
}

resource "google_project_service" "target" {
  # key "project/api"; for-expressions stay flat (no nested objects) so plain HCL parsers read them.
  for_each = { for pair in setproduct(var.target_projects, local.target_apis) : join("/", pair) => pair }

  project                    = each.value[0]
  service                    = each.value[1]
  disable_on_destroy         = false
  disable_dependent_services = false
}
