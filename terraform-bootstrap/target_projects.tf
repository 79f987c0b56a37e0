# What the job's service account may do in each target project: exactly the API calls the steps
# make, as one custom role per project (or, with use_predefined_roles, the predefined roles that
# contain them). Never roles/owner or roles/editor, and never iam.serviceAccounts.actAs
# project-wide (that would let the job deploy a service as any account in the project).

locals {
  # Permission -> the step that needs it. Keep in step with the job module's steps.
  job_permissions = {
    # network check: the request's network must exist (observe only).
    "compute.networks.get"  = "network"
    "compute.networks.list" = "network, drift-check sweep"
    # firewall rules are policy on their network: create/update/delete of a rule needs this too.
    "compute.networks.updatePolicy" = "firewall"

    # egress subnet (Direct VPC /26+, or a connector's explicit /28); PATCH needs the fingerprint
    # from get; destroy removes it.
    "compute.subnetworks.create" = "egress subnet"
    "compute.subnetworks.delete" = "egress subnet (destroy)"
    "compute.subnetworks.get"    = "egress subnet"
    "compute.subnetworks.list"   = "egress subnet, drift-check sweep"
    "compute.subnetworks.update" = "egress subnet"
    # attaching a Cloud Run service (Direct VPC) or a connector to the subnet uses it.
    "compute.subnetworks.use" = "cloud run service, vpc connector"

    # firewall from the egress range to the Redis port.
    "compute.firewalls.create" = "firewall"
    "compute.firewalls.delete" = "firewall (destroy)"
    "compute.firewalls.get"    = "firewall"
    "compute.firewalls.list"   = "firewall, drift-check sweep"
    "compute.firewalls.update" = "firewall"

    # static egress IP: Cloud Router, with the Cloud NAT inside it (router PATCH).
    "compute.routers.create" = "cloud router"
    "compute.routers.delete" = "cloud router (destroy)"
    "compute.routers.get"    = "cloud router, cloud nat"
    "compute.routers.list"   = "cloud router, drift-check sweep"
    "compute.routers.update" = "cloud nat"

    # static egress IP: the reserved address, used by the NAT.
    "compute.addresses.create" = "static address"
    "compute.addresses.delete" = "static address (destroy)"
    "compute.addresses.get"    = "static address"
    "compute.addresses.list"   = "static address, drift-check sweep"
    "compute.addresses.use"    = "cloud nat"

    # Compute long-running operations (network/firewall ones are global, the others regional).
    "compute.globalOperations.get" = "firewall"
    "compute.regionOperations.get" = "egress subnet, cloud router, cloud nat, static address"

    # Memorystore for Redis; getAuthString for the AUTH secret and the verify step. delete only
    # when a destroy request says allowDataLoss.
    "redis.instances.create"        = "redis instance"
    "redis.instances.delete"        = "redis instance (destroy with allowDataLoss)"
    "redis.instances.get"           = "redis instance"
    "redis.instances.getAuthString" = "redis instance (AUTH), verify"
    "redis.instances.list"          = "redis instance, drift-check sweep"
    "redis.instances.update"        = "redis instance"
    "redis.operations.get"          = "redis instance"

    # Serverless VPC Access connector (connector mode); no update in the API: replace = delete + create.
    "vpcaccess.connectors.create" = "vpc connector"
    "vpcaccess.connectors.delete" = "vpc connector (replace, destroy)"
    "vpcaccess.connectors.get"    = "vpc connector"
    "vpcaccess.connectors.list"   = "vpc connector, drift-check sweep"
    "vpcaccess.connectors.use"    = "cloud run service (connector mode)"
    "vpcaccess.operations.get"    = "vpc connector"

    # The Redis AUTH string as a secret the service reads by reference, readable by the service's
    # runtime account only. versions.access compares the stored string with the instance's, so an
    # unchanged one adds no version.
    "secretmanager.secrets.create"       = "redis auth secret"
    "secretmanager.secrets.delete"       = "redis auth secret (destroy)"
    "secretmanager.secrets.get"          = "redis auth secret"
    "secretmanager.secrets.update"       = "redis auth secret (labels)"
    "secretmanager.secrets.getIamPolicy" = "redis auth secret (accessor binding)"
    "secretmanager.secrets.setIamPolicy" = "redis auth secret (accessor binding)"
    "secretmanager.versions.add"         = "redis auth secret"
    "secretmanager.versions.get"         = "redis auth secret"
    "secretmanager.versions.access"      = "redis auth secret"

    # The Cloud Run service: vpcAccess, egress, ingress, Redis env, annotation of the last applied
    # request; created when the request gives an image and the service is absent; the IAM policy
    # for allowUnauthenticated; list for the drift-check sweep.
    "run.services.create"       = "cloud run service (request with an image, service absent)"
    "run.services.get"          = "cloud run service, verify"
    "run.services.list"         = "drift-check sweep"
    "run.services.update"       = "cloud run service"
    "run.services.getIamPolicy" = "cloud run service (allowUnauthenticated)"
    "run.services.setIamPolicy" = "cloud run service (allowUnauthenticated)"
    "run.operations.get"        = "cloud run service"
  }

  # With use_predefined_roles: the smallest predefined roles holding the permissions above.
  job_predefined_roles = toset([
    "roles/redis.admin",           # redis.instances.*, incl. getAuthString
    "roles/compute.networkAdmin",  # networks, subnetworks, routers (NAT), addresses, operations
    "roles/compute.securityAdmin", # firewall rules (networkAdmin excludes them)
    "roles/vpcaccess.admin",       # connectors
    "roles/secretmanager.admin",   # create the AUTH secret and set its IAM policy
    "roles/run.admin",             # get/list/update services; setIamPolicy (allowUnauthenticated) is not in run.developer
  ])

  job_role_id = "${replace(local.prefix, "-", "_")}_job"

  # key => [project, role]
  job_predefined_bindings = { for pair in setproduct(var.target_projects, local.job_predefined_roles) : join("/", pair) => tolist(pair) }
  job_custom_bindings     = { for project in var.target_projects : project => tolist([project, format("projects/%s/roles/%s", project, local.job_role_id)]) }
  job_project_roles       = var.use_predefined_roles ? local.job_predefined_bindings : local.job_custom_bindings
}

resource "google_project_iam_custom_role" "job" {
  for_each = var.use_predefined_roles ? toset([]) : toset(var.target_projects)

  project     = each.value
  role_id     = local.job_role_id
  title       = "runwire job"
  description = "Exactly the API calls the runwire job makes to wire Cloud Run services to Memorystore for Redis (see terraform-bootstrap/target_projects.tf)."
  permissions = sort(keys(local.job_permissions))
  stage       = "GA"

  depends_on = [google_project_service.target]
}

resource "google_project_iam_member" "job_target" {
  for_each = local.job_project_roles

  project = each.value[0]
  role    = each.value[1]
  member  = "serviceAccount:${google_service_account.job.email}"

  depends_on = [google_project_iam_custom_role.job]
}

# Updating a Cloud Run service deploys a revision that runs as the service's runtime account:
# the job must be able to act as exactly those accounts.
resource "google_service_account_iam_member" "job_acts_as_runtime" {
  for_each = { for sa in var.runtime_service_accounts : sa.email => sa }

  service_account_id = "projects/${each.value.project}/serviceAccounts/${each.value.email}"
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.job.email}"
}
