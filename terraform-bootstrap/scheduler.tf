# Scheduled drift check: one Cloud Scheduler job per target project publishes a scoped
# drift-check request to the requests topic, so it takes the same path as every other request
# (function -> job -> step events with status "drifted").
#
# Scheduler cannot put a fresh id into each run's message, so the requestId is fixed per project.
# That is fine: the function deduplicates a requestId only against an execution of the job that
# is still running with it, so the next scheduled run - long after the previous sweep finished -
# starts a new execution, and an overlapping one is reported as accepted for the running one.
#
# The target is the Pub/Sub REST API called with an OAuth token of the scheduler's own service
# account rather than a pubsub_target: a pubsub_target publishes as the Cloud Scheduler service
# agent and takes no service account, whereas this way the publish is made by an identity that
# holds publisher on the requests topic only and shows up as such in the audit log.

locals {
  # What every scheduled request says; requestId and scope are filled in per project below.
  drift_check_request = {
    apiVersion = "runwire.dev/v1"
    mode       = "drift-check"
  }
}

resource "google_cloud_scheduler_job" "drift_check" {
  for_each = var.drift_check_schedule == "" ? toset([]) : toset(var.target_projects)

  project     = var.project_id
  region      = var.region
  name        = "${local.prefix}-drift-check-${each.key}"
  description = "Publishes a scoped runwire drift-check request for ${each.key} to ${google_pubsub_topic.requests.name}."
  schedule    = var.drift_check_schedule
  time_zone   = var.drift_check_time_zone

  retry_config {
    retry_count          = 3
    min_backoff_duration = "10s"
    max_backoff_duration = "300s"
  }

  http_target {
    http_method = "POST"
    uri         = "https://pubsub.googleapis.com/v1/${google_pubsub_topic.requests.id}:publish"
    headers = {
      "Content-Type" = "application/json"
    }
    # Cloud Scheduler wants the HTTP body base64-encoded; Pub/Sub wants message data base64-encoded.
    body = base64encode(jsonencode({
      messages = [{
        data = base64encode(jsonencode(merge(local.drift_check_request, {
          requestId = "drift-${each.key}"
          scope = {
            project = each.key
            regions = local.drift_check_regions
          }
        })))
        attributes = {
          requestId = "drift-${each.key}"
          origin    = "cloud-scheduler"
        }
      }]
    }))

    oauth_token {
      service_account_email = google_service_account.scheduler.email
      scope                 = "https://www.googleapis.com/auth/pubsub"
    }
  }

  depends_on = [
    google_project_service.host,
    google_pubsub_topic_iam_member.requests_publisher_scheduler,
  ]
}
