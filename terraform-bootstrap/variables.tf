# ---------------------------------------------------------------------------------------------
# Where runwire itself runs
# ---------------------------------------------------------------------------------------------

variable "project_id" {
  type        = string
  description = "ID of the project runwire is installed into: topics, function, job, scheduler and their service accounts live here."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID (6-30 characters: lowercase letters, digits, hyphens; starts with a letter), e.g. \"my-platform-prod\". Use the ID, not the project name or number."
  }
}

variable "region" {
  type        = string
  description = "Region of the function, the job, the Eventarc trigger, the scheduler job, the source bucket and the Artifact Registry repository, e.g. \"europe-west1\"."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as \"europe-west1\" or \"us-central1\" (not a zone like \"europe-west1-b\")."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (topics <prefix>-requests / <prefix>-events, job <prefix>-job, function <prefix>-function, service accounts <prefix>-*)."
  default     = "runwire"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,14}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-16 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (service account IDs built from it are limited to 30 characters)."
  }
}

# ---------------------------------------------------------------------------------------------
# What runwire may touch
# ---------------------------------------------------------------------------------------------

variable "target_projects" {
  type        = list(string)
  description = "Projects whose Cloud Run services runwire wires to Redis. The job's service account gets the runwire role in each, and the job refuses requests for any other project (RUNWIRE_ALLOWED_PROJECTS). May include project_id itself."

  validation {
    condition     = length(var.target_projects) > 0
    error_message = "target_projects must name at least one project, e.g. [\"my-app-prod\"]: the job refuses every request whose project is not listed."
  }

  validation {
    condition     = alltrue([for p in var.target_projects : can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", p))])
    error_message = "Every entry of target_projects must be a project ID (6-30 characters: lowercase letters, digits, hyphens; starts with a letter)."
  }

  validation {
    condition     = length(distinct(var.target_projects)) == length(var.target_projects)
    error_message = "target_projects lists a project twice: list each project once."
  }
}

variable "allowed_regions" {
  type        = list(string)
  description = "Regions requests may target (RUNWIRE_ALLOWED_REGIONS). Empty means any region."
  default     = []

  validation {
    condition     = alltrue([for r in var.allowed_regions : can(regex("^[a-z]+-[a-z]+[0-9]+$", r))])
    error_message = "Every entry of allowed_regions must be a region such as \"europe-west1\" (not a zone)."
  }

  validation {
    condition     = length(distinct(var.allowed_regions)) == length(var.allowed_regions)
    error_message = "allowed_regions lists a region twice: list each region once."
  }
}

variable "runtime_service_accounts" {
  type = list(object({
    project = string
    email   = string
  }))
  description = "Runtime service accounts of the Cloud Run services runwire updates (and that its verify probe runs as). Updating a service deploys a new revision that runs as its service account, which needs iam.serviceAccounts.actAs on that account: the job gets roles/iam.serviceAccountUser on exactly these accounts, never project-wide. null (default): the default compute account (PROJECT_NUMBER-compute@developer.gserviceaccount.com) of each target project, which services that name no account run as - including those runwire creates."
  default     = null

  validation {
    condition     = var.runtime_service_accounts == null ? true : alltrue([for sa in var.runtime_service_accounts : can(regex("^[^@\\s]+@[a-z0-9.-]+\\.gserviceaccount\\.com$", sa.email))])
    error_message = "Every runtime_service_accounts[*].email must be a service account email, e.g. \"my-svc@my-app-prod.iam.gserviceaccount.com\" or \"123456789-compute@developer.gserviceaccount.com\"."
  }

  validation {
    condition     = var.runtime_service_accounts == null ? true : alltrue([for sa in var.runtime_service_accounts : can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", sa.project))])
    error_message = "Every runtime_service_accounts[*].project must be the ID of the project that owns the service account."
  }
}

# ---------------------------------------------------------------------------------------------
# Deployment policy: what a request may ask for (RUNWIRE_* env of both the function and the job;
# anyone who may publish to the requests topic can send any request, so these are the limits).
# ---------------------------------------------------------------------------------------------

variable "allowed_image_prefixes" {
  type        = list(string)
  description = "RUNWIRE_ALLOWED_IMAGE_PREFIXES: image prefixes a request's service.image may start with, e.g. [\"europe-west1-docker.pkg.dev/acme-builds/release/\"]. Empty (default): only the target project's own registries, REGION-docker.pkg.dev/PROJECT/ and gcr.io/PROJECT/; any other image is refused before an API call."
  default     = []

  validation {
    condition     = alltrue([for p in var.allowed_image_prefixes : can(regex("^[a-z0-9][a-z0-9.-]*(:[0-9]+)?/[^,\\s]*$", p))])
    error_message = "Every entry of allowed_image_prefixes must be a registry host and path prefix without commas or spaces, e.g. \"europe-west1-docker.pkg.dev/acme-builds/release/\"."
  }
}

variable "allow_public_services" {
  type        = bool
  description = "RUNWIRE_ALLOW_PUBLIC_SERVICES: whether a request may set allowUnauthenticated: true (allUsers may invoke the service). Default false: such requests are refused."
  default     = false
}

variable "allow_adoption" {
  type        = bool
  description = "RUNWIRE_ALLOW_ADOPTION: whether a request may take over (adopt) existing resources runwire did not create. Default false: runwire uses such resources but never changes or deletes them."
  default     = false
}

variable "data_loss_projects" {
  type        = list(string)
  description = "RUNWIRE_DATA_LOSS_PROJECTS: projects where a destroy request's allowDataLoss may delete a Redis instance runwire created. [\"*\"] (default): every allowed project; []: never. Resources runwire did not create are never deleted."
  default     = ["*"]

  validation {
    condition     = alltrue([for p in var.data_loss_projects : p == "*" || can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", p))])
    error_message = "Every entry of data_loss_projects must be \"*\" (every allowed project) or a project ID; [] means never."
  }
}

variable "use_predefined_roles" {
  type        = bool
  description = "false (default): the job's service account gets two custom roles per target project with exactly the permissions the steps call (the Secret Manager one bound with a condition: runwire's AUTH secrets only). true: it gets predefined roles instead (redis.admin, compute.networkAdmin, compute.securityAdmin, vpcaccess.admin, run.admin, and secretmanager.admin under the same condition) - broader, for organisations that do not allow custom roles."
  default     = false
}

# ---------------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------------

variable "job_image" {
  type        = string
  description = "Container image of the runwire job, built from the job module with Jib, e.g. \"europe-west1-docker.pkg.dev/my-platform-prod/runwire/runwire-job:0.1.0\" (see README: it must be pushed before the job can be created)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]*(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})?$", var.job_image))
    error_message = "job_image must be a full image reference with registry host and path, e.g. \"europe-west1-docker.pkg.dev/my-project/runwire/runwire-job:0.1.0\" or \"...@sha256:<digest>\"."
  }
}

variable "network" {
  type        = string
  description = "Optional Direct VPC egress of the job itself: the network (a name in project_id, or projects/HOST/global/networks/NAME for a Shared VPC). The job does not need it - it calls Google APIs only, and verify runs a probe on the service's own network path - so leave it empty unless an organisation policy (run.allowedVPCEgress) requires VPC egress on every Cloud Run job. Set together with subnetwork."
  default     = ""

  validation {
    condition     = var.network == "" || can(regex("^(projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/global/networks/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.network))
    error_message = "network must be empty (no VPC egress for the job), a network name such as \"default\", or \"projects/HOST_PROJECT/global/networks/NAME\"."
  }
}

variable "subnetwork" {
  type        = string
  description = "Optional Direct VPC egress of the job itself: the subnet of var.network in var.region (a name, or projects/HOST/regions/REGION/subnetworks/NAME). Empty (default): the job has no VPC egress (see network)."
  default     = ""

  validation {
    condition     = var.subnetwork == "" || can(regex("^(projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/regions/[a-z]+-[a-z]+[0-9]+/subnetworks/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.subnetwork))
    error_message = "subnetwork must be empty (no VPC egress for the job), a subnet name such as \"runwire-jobs\", or \"projects/HOST_PROJECT/regions/REGION/subnetworks/NAME\"."
  }

  validation {
    condition     = (var.subnetwork == "") == (var.network == "")
    error_message = "network and subnetwork go together: set both for VPC egress of the job, or neither."
  }
}

variable "job_task_timeout" {
  type        = string
  description = "Longest one task (one reconcile of a request) may run, as seconds with an 's' suffix. Creating Redis takes minutes; a connector one to three."
  default     = "3600s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.job_task_timeout)) && try(tonumber(trimsuffix(var.job_task_timeout, "s")) >= 60 && tonumber(trimsuffix(var.job_task_timeout, "s")) <= 86400, false)
    error_message = "job_task_timeout must be seconds with an 's' suffix between \"60s\" and \"86400s\", e.g. \"3600s\"."
  }
}

variable "job_max_retries" {
  type        = number
  description = "Retries of a failed task. Every step is idempotent, so a retry after a crash converges; a drift-check that finds drift exits 0 under Cloud Run (its run event says drifted), so it is not retried."
  default     = 1

  validation {
    condition     = var.job_max_retries >= 0 && var.job_max_retries <= 10 && floor(var.job_max_retries) == var.job_max_retries
    error_message = "job_max_retries must be a whole number from 0 to 10."
  }
}

variable "job_task_count" {
  type        = number
  description = "Tasks per execution when the function does not override it. Keep 1: an apply request is one task; the function overrides the count for scoped drift checks (capped by function_max_tasks)."
  default     = 1

  validation {
    condition     = var.job_task_count >= 1 && floor(var.job_task_count) == var.job_task_count
    error_message = "job_task_count must be a whole number of at least 1."
  }
}

variable "job_parallelism" {
  type        = number
  description = "Most tasks of one execution running at once. 0 lets every task of an execution run at once (the function's function_max_tasks caps the tasks of a drift sweep); otherwise it must not exceed job_task_count."
  default     = 0

  validation {
    condition     = var.job_parallelism >= 0 && floor(var.job_parallelism) == var.job_parallelism
    error_message = "job_parallelism must be a whole number, 0 or more (0 = no limit below the task count)."
  }
}

variable "job_step_timeout" {
  type        = string
  description = "Deadline of one step inside the job (RUNWIRE_STEP_TIMEOUT), ISO-8601 duration."
  default     = "PT30M"

  validation {
    condition     = can(regex("^PT([0-9]+H)?([0-9]+M)?([0-9]+S)?$", var.job_step_timeout)) && var.job_step_timeout != "PT"
    error_message = "job_step_timeout must be an ISO-8601 duration such as \"PT30M\" or \"PT1H\"."
  }
}

variable "job_cpu" {
  type        = string
  description = "CPU limit of the job container."
  default     = "1"

  validation {
    condition     = contains(["1", "2", "4", "6", "8"], var.job_cpu)
    error_message = "job_cpu must be one of \"1\", \"2\", \"4\", \"6\", \"8\" (the CPU values Cloud Run jobs accept)."
  }
}

variable "job_memory" {
  type        = string
  description = "Memory limit of the job container (a JVM plus one thread per running step)."
  default     = "1Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.job_memory))
    error_message = "job_memory must be a quantity in Mi or Gi, e.g. \"1Gi\" or \"768Mi\"."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Provider-side deletion protection of the Cloud Run job. The job holds no state (the cloud is its record), so the default lets terraform destroy remove it."
  default     = false
}

# ---------------------------------------------------------------------------------------------
# The function
# ---------------------------------------------------------------------------------------------

variable "function_source_zip" {
  type        = string
  description = "Path of the zip holding the function's deployable JAR, built from the function module (see README: ./mvnw -pl function -am package, then zip the shaded jar)."
  default     = "function-source.zip"

  validation {
    condition     = endswith(var.function_source_zip, ".zip")
    error_message = "function_source_zip must be the path of a .zip file, e.g. \"function-source.zip\"."
  }

  validation {
    condition     = fileexists(var.function_source_zip)
    error_message = "function_source_zip does not exist. Build it first: ./mvnw -pl function -am package -DskipTests, then zip the function's shaded jar (see README, 'Build the function source')."
  }
}

variable "function_runtime" {
  type        = string
  description = "Java runtime of the 2nd-gen function."
  default     = "java17"

  validation {
    condition     = contains(["java17", "java21"], var.function_runtime)
    error_message = "function_runtime must be \"java17\" or \"java21\" (the code is compiled for Java 17)."
  }
}

variable "function_max_instances" {
  type        = number
  description = "Most function instances at once."
  default     = 10

  validation {
    condition     = var.function_max_instances >= 1 && var.function_max_instances <= 1000 && floor(var.function_max_instances) == var.function_max_instances
    error_message = "function_max_instances must be a whole number from 1 to 1000."
  }
}

variable "function_concurrency" {
  type        = number
  description = "Requests one function instance handles at once. Above 1 the function needs a whole CPU, which function_cpu gives."
  default     = 1

  validation {
    condition     = var.function_concurrency >= 1 && var.function_concurrency <= 1000 && floor(var.function_concurrency) == var.function_concurrency
    error_message = "function_concurrency must be a whole number from 1 to 1000."
  }
}

variable "function_cpu" {
  type        = string
  description = "CPU of one function instance."
  default     = "1"

  validation {
    condition     = contains(["0.583", "1", "2", "4"], var.function_cpu)
    error_message = "function_cpu must be one of \"0.583\", \"1\", \"2\", \"4\"."
  }
}

variable "function_memory" {
  type        = string
  description = "Memory of one function instance (a JVM with the Cloud Run and Pub/Sub clients)."
  default     = "512Mi"

  validation {
    condition     = can(regex("^[0-9]+(M|Mi|G|Gi)$", var.function_memory))
    error_message = "function_memory must be a quantity such as \"512Mi\" or \"1Gi\"."
  }
}

variable "function_timeout_seconds" {
  type        = number
  description = "Longest one delivery may take in the function (validate, launch the job, publish an event)."
  default     = 120

  validation {
    condition     = var.function_timeout_seconds >= 10 && var.function_timeout_seconds <= 540 && floor(var.function_timeout_seconds) == var.function_timeout_seconds
    error_message = "function_timeout_seconds must be a whole number from 10 to 540 (the longest an event-driven function may run)."
  }
}

variable "function_max_tasks" {
  type        = number
  description = "Most tasks the function gives one execution of a scoped drift check (RUNWIRE_MAX_TASKS)."
  default     = 10

  validation {
    condition     = var.function_max_tasks >= 1 && var.function_max_tasks <= 10000 && floor(var.function_max_tasks) == var.function_max_tasks
    error_message = "function_max_tasks must be a whole number from 1 to 10000."
  }
}

variable "dead_letter_permanent_failures" {
  type        = bool
  description = "RUNWIRE_DEAD_LETTER_PERMANENT_FAILURES: when true the function rethrows after publishing a launch-failed event for a permanent error (job missing, permission denied), so the message ends on the dead-letter topic after max_delivery_attempts."
  default     = true
}

# ---------------------------------------------------------------------------------------------
# Pub/Sub
# ---------------------------------------------------------------------------------------------

variable "max_delivery_attempts" {
  type        = number
  description = "Deliveries of one request to the function before Pub/Sub moves it to the dead-letter topic."
  default     = 10

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100 && floor(var.max_delivery_attempts) == var.max_delivery_attempts
    error_message = "max_delivery_attempts must be a whole number from 5 to 100 (Pub/Sub's limits for a dead-letter policy)."
  }
}

variable "message_retention" {
  type        = string
  description = "How long the topics keep messages (topic retention lets a subscription seek back and replay) and how long the runwire subscriptions keep unacknowledged ones, in seconds with an 's' suffix."
  default     = "604800s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.message_retention)) && try(tonumber(trimsuffix(var.message_retention, "s")) >= 600 && tonumber(trimsuffix(var.message_retention, "s")) <= 604800, false)
    error_message = "message_retention must be seconds with an 's' suffix from \"600s\" (10 minutes) to \"604800s\" (7 days, the longest a subscription keeps messages)."
  }
}

# ---------------------------------------------------------------------------------------------
# Scheduled drift check
# ---------------------------------------------------------------------------------------------

variable "drift_check_schedule" {
  type        = string
  description = "Cron schedule (unix-cron, five fields) of the scoped drift check, one per target project. Empty disables it."
  default     = "0 6 * * *"

  validation {
    condition     = var.drift_check_schedule == "" || can(regex("^\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+$", var.drift_check_schedule))
    error_message = "drift_check_schedule must be a five-field unix-cron expression such as \"0 6 * * *\" (every day at 06:00), or \"\" to disable the drift check."
  }
}

variable "drift_check_time_zone" {
  type        = string
  description = "Time zone of drift_check_schedule (tz database name)."
  default     = "Etc/UTC"

  validation {
    condition     = can(regex("^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$", var.drift_check_time_zone))
    error_message = "drift_check_time_zone must be a tz database name such as \"Etc/UTC\" or \"Europe/Berlin\"."
  }
}

variable "drift_check_regions" {
  type        = list(string)
  description = "Regions the scheduled drift check sweeps in each target project. Empty means allowed_regions, or var.region when that is empty too."
  default     = []

  validation {
    condition     = alltrue([for r in var.drift_check_regions : can(regex("^[a-z]+-[a-z]+[0-9]+$", r))])
    error_message = "Every entry of drift_check_regions must be a region such as \"europe-west1\"."
  }

  validation {
    condition     = length(distinct(var.drift_check_regions)) == length(var.drift_check_regions) && length(var.drift_check_regions) <= 64
    error_message = "drift_check_regions must list each region once, at most 64 regions (a drift-check scope's limit)."
  }
}
