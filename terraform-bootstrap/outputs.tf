locals {
  example_target_project = var.target_projects[0]
  example_region         = length(var.allowed_regions) > 0 ? var.allowed_regions[0] : var.region

  # A read-only plan request: safe to paste, it changes nothing and publishes the diff as events.
  # Literal apart from its target, so the tests can check it against the request schema.
  example_request_spec = {
    apiVersion = "runwire.dev/v1"
    requestId  = "example-plan-1"
    mode       = "plan"
    service = {
      name = "my-service"
    }
    redis = {
      name = "my-service-redis"
    }
    egress = {
      mode = "direct-vpc"
      subnet = {
        name  = "my-service-egress"
        range = "10.124.0.0/26"
      }
    }
  }
  example_request = jsonencode(merge(local.example_request_spec, {
    target = {
      project = local.example_target_project
      region  = local.example_region
      network = "default"
    }
  }))
}

output "requests_topic" {
  description = "Topic to publish provisioning requests to (projects/P/topics/T)."
  value       = google_pubsub_topic.requests.id
}

output "events_topic" {
  description = "Topic runwire publishes its events to (RUNWIRE_EVENTS_TOPIC)."
  value       = google_pubsub_topic.events.id
}

output "events_subscription" {
  description = "Pull subscription on the events topic."
  value       = google_pubsub_subscription.events.id
}

output "dead_letter_topic" {
  description = "Where requests go after max_delivery_attempts failed deliveries."
  value       = google_pubsub_topic.dead_letter.id
}

output "dead_letter_subscription" {
  description = "Subscription that keeps dead-lettered requests for inspection."
  value       = google_pubsub_subscription.dead_letter.id
}

output "job_name" {
  description = "Name of the Cloud Run job."
  value       = google_cloud_run_v2_job.runwire.name
}

output "job_id" {
  description = "Full name of the Cloud Run job (the function's RUNWIRE_JOB)."
  value       = google_cloud_run_v2_job.runwire.id
}

output "function_name" {
  description = "Name of the 2nd-gen function."
  value       = google_cloudfunctions2_function.runwire.name
}

output "eventarc_trigger" {
  description = "The function's Eventarc trigger; its Pub/Sub subscription carries the dead-letter policy."
  value       = google_cloudfunctions2_function.runwire.event_trigger[0].trigger
}

output "service_accounts" {
  description = "The service account of each runwire role."
  value = {
    function  = google_service_account.function.email
    job       = google_service_account.job.email
    trigger   = google_service_account.trigger.email
    scheduler = google_service_account.scheduler.email
    build     = google_service_account.build.email
  }
}

output "artifact_repository" {
  description = "Docker repository for the job image: push REGION-docker.pkg.dev/PROJECT/REPOSITORY/runwire-job here."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.runwire.repository_id}"
}

output "example_publish_command" {
  description = "Publishes a read-only plan request through the whole path (topic -> function -> job -> events)."
  value       = "gcloud pubsub topics publish ${google_pubsub_topic.requests.id} --message='${local.example_request}'"
}

output "example_execute_command" {
  description = "Runs the job by hand with the same request (the ^##^ prefix makes gcloud split env vars on ## instead of the commas inside the JSON)."
  value       = "gcloud run jobs execute ${google_cloud_run_v2_job.runwire.name} --project=${var.project_id} --region=${var.region} --wait --update-env-vars='^##^RUNWIRE_REQUEST=${local.example_request}'"
}

output "example_pull_events_command" {
  description = "Reads the events the example produced."
  value       = "gcloud pubsub subscriptions pull ${google_pubsub_subscription.events.id} --auto-ack --limit=50 --format=json"
}

# The post-apply script's settings, so `./runwire deploy` can run it again and show its outcome.
output "max_delivery_attempts" {
  description = "Deliveries before a request is dead-lettered (the trigger subscription's policy)."
  value       = var.max_delivery_attempts
}

output "message_retention" {
  description = "Retention of the topics and the runwire subscriptions."
  value       = var.message_retention
}

output "pubsub_service_agent" {
  description = "The Pub/Sub service agent (member form) that dead-letters messages."
  value       = local.pubsub_service_agent
}
