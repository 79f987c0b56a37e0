# What the job's service account may do in each target project: exactly the API calls the steps
# make, as one custom role per project (or, with use_predefined_roles, the predefined roles that
# contain them). Never roles/owner or roles/editor, and never iam.serviceAccounts.actAs
# project-wide (that would let the job deploy a service as any account in the project).

locals {
  # Permission -> the step that needs it. Keep in step with the job module's steps.
  job_permissions = {
    # network check: the request's network must exist (observe only); its peerings show whether
    # private services access is connected (PSA Redis) and which network Redis is peered with.
    "compute.networks.get"  = "network, redis instance (PSA connection check)"
    "compute.networks.list" = "network, drift-check sweep"
    # firewall rules are policy on their network: create/update/delete of a rule needs this too.
    "compute.networks.updatePolicy" = "egress firewall allow"
    # the project's default compute service account (defaultServiceAccount): the runtime account
    # of a service without template.serviceAccount, which gets access to the AUTH secret.
    "compute.projects.get" = "redis-auth-access (runtime account)"

    # egress subnet (Direct VPC /26+, or a connector's explicit /28); destroy removes it (or keeps
    # it while Cloud Run still holds it). The job never PATCHes a subnet: no subnetworks.update.
    "compute.subnetworks.create" = "egress subnet"
    "compute.subnetworks.delete" = "egress subnet (destroy)"
    "compute.subnetworks.get"    = "egress subnet"
    "compute.subnetworks.list"   = "egress subnet, drift-check sweep"
    # Private Google Access on an existing subnet changes only through this call, not PATCH.
    "compute.subnetworks.setPrivateIpGoogleAccess" = "egress subnet (privateIpGoogleAccess)"
    # attaching a Cloud Run service (Direct VPC) or a connector to the subnet uses it.
    "compute.subnetworks.use" = "cloud run service, vpc connector"

    # no INGRESS rule any more (Redis is reached over peering: egress from the VPC); only when
    # an EGRESS deny would block the workload -> Redis range and port, a higher-priority EGRESS
    # allow for the workload's network tags. list reads the network's rules to decide.
    # The rule is read from that list (no get).
    "compute.firewalls.create" = "egress firewall allow"
    "compute.firewalls.delete" = "egress firewall allow (destroy)"
    "compute.firewalls.list"   = "egress firewall allow (EGRESS deny check), drift-check sweep"
    "compute.firewalls.update" = "egress firewall allow"

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
    "compute.globalOperations.get" = "egress firewall allow"
    "compute.regionOperations.get" = "egress subnet, cloud router, cloud nat, static address"

    # Memorystore for Redis; getAuthString for the AUTH secret. update: memory, AUTH, labels in
    # place; upgrade: the Redis version in place. delete only when a destroy request says
    # allowDataLoss (and the deployment policy allows it).
    "redis.instances.create"        = "redis instance"
    "redis.instances.delete"        = "redis instance (destroy with allowDataLoss)"
    "redis.instances.get"           = "redis instance"
    "redis.instances.getAuthString" = "redis instance (AUTH), verify"
    "redis.instances.list"          = "redis instance, drift-check sweep"
    "redis.instances.update"        = "redis instance (memory, AUTH, labels in place)"
    "redis.instances.upgrade"       = "redis instance (version in place)"
    "redis.operations.get"          = "redis instance"

    # Serverless VPC Access connector (connector mode). PATCH (REST) for machineType and more
    # min/max instances; fewer instances need a new connector, which apply refuses (NeedsReplacement). vpcaccess.connectors.use
    # is not listed: current IAM no longer lets custom roles hold it, and deploying a service on a
    # connector of its own project does not need it.
    "vpcaccess.connectors.create" = "vpc connector"
    "vpcaccess.connectors.delete" = "vpc connector (replace, prune, destroy)"
    "vpcaccess.connectors.get"    = "vpc connector"
    "vpcaccess.connectors.list"   = "vpc connector, drift-check sweep"
    "vpcaccess.connectors.update" = "vpc connector (machine type, instances in place)"
    "vpcaccess.operations.get"    = "vpc connector"

    # The Redis AUTH string as a secret the service reads by reference; the job grants
    # roles/secretmanager.secretAccessor on that secret only to the service's runtime account
    # (get/setIamPolicy, read-change-write). versions.access compares the stored string with the
    # instance's, so an unchanged one adds no version. Which secrets the job may touch at all is
    # narrowed by the condition on its role binding (runwire's own secrets, job_secret_prefix).
    "secretmanager.secrets.create"       = "redis auth secret"
    "secretmanager.secrets.delete"       = "redis auth secret (destroy)"
    "secretmanager.secrets.get"          = "redis auth secret"
    "secretmanager.secrets.list"         = "drift-check sweep"
    "secretmanager.secrets.update"       = "redis-auth-access (annotation recording the grant)"
    "secretmanager.secrets.getIamPolicy" = "redis-auth-access (accessor binding, version 3)"
    "secretmanager.secrets.setIamPolicy" = "redis-auth-access (accessor binding)"
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
    "run.operations.get"        = "cloud run service, verify probe"

    # verify: a probe Cloud Run job runwire manages in the target project and region, configured
    # like the service (vpcAccess, egress, runtime account, Redis env), run and waited for.
    "run.jobs.create"    = "verify probe"
    "run.jobs.get"       = "verify probe"
    "run.jobs.update"    = "verify probe"
    "run.jobs.run"       = "verify probe"
    "run.jobs.delete"    = "verify probe (destroy)"
    "run.executions.get" = "verify probe"
    # the probe's exit code: Task.lastAttemptResult.exitCode
    "run.tasks.list" = "verify probe"
  }

  # Secret Manager permissions go into a role of their own, bound with a condition: the job may
  # read and change only runwire's AUTH secrets (named <redis instance>-auth), not every secret
  # of a target project. Creating and listing are checked on the project, which the condition lets
  # through; a secret's or version's name must end in -auth. (The condition language has no
  # regex; extract() takes the secret id out of a version's name.)
  job_secret_permissions = sort([for p in keys(local.job_permissions) : p if startswith(p, "secretmanager.")])
  job_other_permissions  = sort([for p in keys(local.job_permissions) : p if !startswith(p, "secretmanager.")])
  job_secret_condition = join(" || ", [
    "resource.type == \"cloudresourcemanager.googleapis.com/Project\"",
    "resource.name.endsWith(\"-auth\")",
    "resource.name.extract(\"/secrets/{secret}/versions/\").endsWith(\"-auth\")",
    "resource.name.endsWith(\"-server-ca\")",
    "resource.name.extract(\"/secrets/{secret}/versions/\").endsWith(\"-server-ca\")",
  ])

  # With use_predefined_roles: the smallest predefined roles holding the permissions above
  # (Secret Manager's is bound separately, with the condition).
  job_predefined_roles = toset([
    "roles/redis.admin",           # redis.instances.*, incl. getAuthString and upgrade
    "roles/compute.networkAdmin",  # networks, subnetworks, routers (NAT), addresses, operations, projects.get
    "roles/compute.securityAdmin", # firewall rules (networkAdmin excludes them)
    "roles/vpcaccess.admin",       # connectors
    "roles/run.admin",             # services and the probe job; setIamPolicy (allowUnauthenticated) is not in run.developer
  ])

  job_role_id         = "${replace(local.prefix, "-", "_")}_job"
  job_secrets_role_id = "${replace(local.prefix, "-", "_")}_job_secrets"

  # key => [project, role]
  job_predefined_bindings = { for pair in setproduct(var.target_projects, local.job_predefined_roles) : join("/", pair) => tolist(pair) }
  job_custom_bindings     = { for project in var.target_projects : project => tolist([project, format("projects/%s/roles/%s", project, local.job_role_id)]) }
  job_project_roles       = var.use_predefined_roles ? local.job_predefined_bindings : local.job_custom_bindings

  # Runtime accounts the job acts as (email => project): the listed ones, or by default each target
  # project's default compute account, which services run as when they name no account.
  job_runtime_accounts = var.runtime_service_accounts != null ? { for sa in var.runtime_service_accounts : sa.email => sa.project } : {
    for project in var.target_projects : format("%s-compute@developer.gserviceaccount.com", data.google_project.target[project].number) => project
  }
}

data "google_project" "target" {
  for_each = toset(var.target_projects)

  project_id = each.value
}

resource "google_project_iam_custom_role" "job" {
  for_each = var.use_predefined_roles ? toset([]) : toset(var.target_projects)

  project     = each.value
  role_id     = local.job_role_id
  title       = "runwire job"
  description = "Exactly the API calls the runwire job makes to wire Cloud Run services to Memorystore for Redis, Secret Manager aside (see terraform-bootstrap/target_projects.tf)."
  permissions = local.job_other_permissions
  stage       = "GA"

  depends_on = [google_project_service.target]
}

resource "google_project_iam_custom_role" "job_secrets" {
  for_each = var.use_predefined_roles ? toset([]) : toset(var.target_projects)

  project     = each.value
  role_id     = local.job_secrets_role_id
  title       = "runwire job: AUTH secrets"
  description = "The Secret Manager calls of the runwire job, granted on its own AUTH secrets only (see terraform-bootstrap/target_projects.tf)."
  permissions = local.job_secret_permissions
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

resource "google_project_iam_member" "job_secrets" {
  for_each = toset(var.target_projects)

  project = each.value
  role    = var.use_predefined_roles ? "roles/secretmanager.admin" : format("projects/%s/roles/%s", each.value, local.job_secrets_role_id)
  member  = "serviceAccount:${google_service_account.job.email}"

  condition {
    title       = "runwire AUTH secrets only"
    description = "Secrets named <redis instance>-auth, and the project-level create and list."
    expression  = local.job_secret_condition
  }

  depends_on = [google_project_iam_custom_role.job_secrets]
}

# Updating a Cloud Run service deploys a revision that runs as the service's runtime account, and
# the verify probe runs as that account too: the job must be able to act as exactly those accounts.
resource "google_service_account_iam_member" "job_acts_as_runtime" {
  for_each = local.job_runtime_accounts

  service_account_id = "projects/${each.value}/serviceAccounts/${each.key}"
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.job.email}"
}

# The verify probe runs runwire's own image in each target project: that project's Cloud Run
# service agent pulls it from runwire's repository.
resource "google_artifact_registry_repository_iam_member" "probe_image_reader" {
  for_each = toset(var.target_projects)

  project    = var.project_id
  location   = google_artifact_registry_repository.runwire.location
  repository = google_artifact_registry_repository.runwire.name
  role       = "roles/artifactregistry.reader"
  member     = format("serviceAccount:service-%s@serverless-robot-prod.iam.gserviceaccount.com", data.google_project.target[each.value].number)
}
