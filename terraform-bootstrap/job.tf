# The Cloud Run Job that reconciles one request per execution. Built from the job module with
# Jib and pushed to this repository (see README); the function passes each request as the
# RUNWIRE_REQUEST override.

resource "google_artifact_registry_repository" "runwire" {
  project       = var.project_id
  location      = var.region
  repository_id = local.prefix
  format        = "DOCKER"
  description   = "runwire job image and the runwire function's build output."

  depends_on = [google_project_service.host]
}

resource "google_cloud_run_v2_job" "runwire" {
  project             = var.project_id
  location            = var.region
  name                = "${local.prefix}-job"
  deletion_protection = var.deletion_protection

  template {
    task_count  = var.job_task_count
    parallelism = var.job_parallelism

    template {
      service_account = google_service_account.job.email
      timeout         = var.job_task_timeout
      max_retries     = var.job_max_retries

      containers {
        image = var.job_image

        resources {
          limits = {
            cpu    = var.job_cpu
            memory = var.job_memory
          }
        }

        env {
          name  = "RUNWIRE_EVENTS_TOPIC"
          value = google_pubsub_topic.events.id
        }
        # verify runs the probe (this same binary, command "probe") as a Cloud Run job in the
        # target project, on the service's own network path.
        env {
          name  = "RUNWIRE_PROBE_IMAGE"
          value = var.job_image
        }
        env {
          name  = "RUNWIRE_ALLOWED_PROJECTS"
          value = join(",", var.target_projects)
        }
        env {
          name  = "RUNWIRE_ALLOWED_REGIONS"
          value = join(",", var.allowed_regions)
        }
        env {
          name  = "RUNWIRE_STEP_TIMEOUT"
          value = var.job_step_timeout
        }
        # The deployment policy, the same as the function's (the job can be run by hand).
        env {
          name  = "RUNWIRE_ALLOWED_IMAGE_PREFIXES"
          value = local.policy_env.RUNWIRE_ALLOWED_IMAGE_PREFIXES
        }
        env {
          name  = "RUNWIRE_ALLOW_PUBLIC_SERVICES"
          value = local.policy_env.RUNWIRE_ALLOW_PUBLIC_SERVICES
        }
        env {
          name  = "RUNWIRE_ALLOW_ADOPTION"
          value = local.policy_env.RUNWIRE_ALLOW_ADOPTION
        }
        env {
          name  = "RUNWIRE_DATA_LOSS_PROJECTS"
          value = local.policy_env.RUNWIRE_DATA_LOSS_PROJECTS
        }
      }

      # No VPC egress by default: the job calls Google APIs only, and verify proves the path from
      # a probe job configured like the service. Only where an organisation policy demands VPC
      # egress on every job (network and subnetwork set).
      dynamic "vpc_access" {
        for_each = var.subnetwork == "" ? [] : [var.subnetwork]
        content {
          egress = "PRIVATE_RANGES_ONLY"
          network_interfaces {
            network    = var.network
            subnetwork = vpc_access.value
          }
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.job_parallelism <= var.job_task_count || var.job_parallelism == 0
      error_message = "job_parallelism must be 0 or at most job_task_count: Cloud Run rejects a job whose parallelism exceeds its task count."
    }
  }

  depends_on = [
    google_project_service.host,
    google_pubsub_topic_iam_member.events_publisher_job,
  ]
}

# The function launches this job, and only this job, with the request as an override.
resource "google_cloud_run_v2_job_iam_member" "function_executor" {
  project  = var.project_id
  location = google_cloud_run_v2_job.runwire.location
  name     = google_cloud_run_v2_job.runwire.name
  role     = "roles/run.jobsExecutorWithOverrides"
  member   = "serviceAccount:${google_service_account.function.email}"
}

# jobsExecutorWithOverrides holds run.jobs.run(WithOverrides) and run.executions.cancel only; the
# function also reads this job and its executions (a redelivered message or a repeated requestId
# must find the execution already running instead of starting a second one).
resource "google_cloud_run_v2_job_iam_member" "function_viewer" {
  project  = var.project_id
  location = google_cloud_run_v2_job.runwire.location
  name     = google_cloud_run_v2_job.runwire.name
  role     = "roles/run.viewer"
  member   = "serviceAccount:${google_service_account.function.email}"
}
