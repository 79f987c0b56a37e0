# The 2nd-gen Cloud Run function that validates each request and launches the job, its source,
# its Eventarc trigger on the requests topic, and the dead-letter policy of that trigger.

resource "google_storage_bucket" "function_source" {
  project                     = var.project_id
  name                        = "${var.project_id}-${local.prefix}-function-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true # holds only build inputs, rebuilt from the repository

  lifecycle_rule {
    condition {
      num_newer_versions = 1
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.host]
}

# Named by content hash so that a rebuilt zip is a new object and redeploys the function.
resource "google_storage_bucket_object" "function_source" {
  bucket = google_storage_bucket.function_source.name
  name   = "function-source-${filemd5(var.function_source_zip)}.zip"
  source = var.function_source_zip
}

resource "google_cloudfunctions2_function" "runwire" {
  project     = var.project_id
  location    = var.region
  name        = "${local.prefix}-function"
  description = "Validates runwire provisioning requests from ${google_pubsub_topic.requests.name} and runs ${google_cloud_run_v2_job.runwire.name} for each valid one."

  build_config {
    runtime           = var.function_runtime
    entry_point       = "dev.runwire.function.ProvisioningRequestFunction"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.runwire.id

    source {
      storage_source {
        bucket = google_storage_bucket.function_source.name
        object = google_storage_bucket_object.function_source.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.function.email
    available_memory                 = var.function_memory
    available_cpu                    = var.function_cpu
    timeout_seconds                  = var.function_timeout_seconds
    max_instance_count               = var.function_max_instances
    min_instance_count               = 0
    max_instance_request_concurrency = var.function_concurrency
    # Eventarc/Pub/Sub pushes count as internal traffic: nothing outside the project can call it.
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true

    environment_variables = {
      RUNWIRE_JOB                            = google_cloud_run_v2_job.runwire.id
      RUNWIRE_EVENTS_TOPIC                   = google_pubsub_topic.events.id
      RUNWIRE_MAX_TASKS                      = tostring(var.function_max_tasks)
      RUNWIRE_DEAD_LETTER_PERMANENT_FAILURES = tostring(var.dead_letter_permanent_failures)
      # The deployment policy (main.tf), checked before an execution starts.
      RUNWIRE_ALLOWED_PROJECTS       = local.policy_env.RUNWIRE_ALLOWED_PROJECTS
      RUNWIRE_ALLOWED_REGIONS        = local.policy_env.RUNWIRE_ALLOWED_REGIONS
      RUNWIRE_ALLOWED_IMAGE_PREFIXES = local.policy_env.RUNWIRE_ALLOWED_IMAGE_PREFIXES
      RUNWIRE_ALLOW_PUBLIC_SERVICES  = local.policy_env.RUNWIRE_ALLOW_PUBLIC_SERVICES
      RUNWIRE_ALLOW_ADOPTION         = local.policy_env.RUNWIRE_ALLOW_ADOPTION
      RUNWIRE_DATA_LOSS_PROJECTS     = local.policy_env.RUNWIRE_DATA_LOSS_PROJECTS
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.requests.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email
  }

  depends_on = [
    google_project_service.host,
    google_project_iam_member.build_log_writer,
    google_project_iam_member.build_source_reader,
    google_storage_bucket_iam_member.build_source_reader,
    google_artifact_registry_repository_iam_member.build_writer,
    google_pubsub_topic_iam_member.events_publisher_function,
    google_cloud_run_v2_job_iam_member.function_executor,
    google_cloud_run_v2_job_iam_member.function_viewer,
  ]
}

# The trigger identity may invoke the function's Cloud Run service, nothing else. A 2nd-gen
# function's service carries the function's name. (roles/cloudfunctions.invoker would not do:
# calls to a 2nd-gen function are authorised by Cloud Run's run.routes.invoke.)
resource "google_cloud_run_v2_service_iam_member" "trigger_invoker" {
  project  = var.project_id
  location = google_cloudfunctions2_function.runwire.location
  name     = google_cloudfunctions2_function.runwire.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# Dead-letter policy on the trigger's subscription.
#
# Eventarc creates and owns the push subscription behind the trigger (eventarc-REGION-TRIGGER-sub-NNN),
# whose push endpoint turns each Pub/Sub message into the CloudEvent the function expects; the
# function resource has no argument for its dead-letter policy, and the name is only known once
# the trigger exists. A Terraform-managed push subscription of our own would deliver the raw Pub/Sub
# push body, which the Java Functions Framework does not turn into a CloudEvent. So, as the
# Eventarc documentation describes (retry-events: "update the Pub/Sub subscription associated with
# your Eventarc trigger"), a post-apply step looks the subscription up from the trigger and sets:
# the dead-letter topic and attempts, retry backoff, retention, and the Pub/Sub service agent's
# subscriber right on that subscription. It re-runs whenever the function (and so possibly its
# trigger and subscription) changes. Needs gcloud on the machine running terraform.
resource "terraform_data" "trigger_subscription_policy" {
  triggers_replace = [
    google_cloudfunctions2_function.runwire.event_trigger[0].trigger,
    google_cloudfunctions2_function.runwire.update_time,
    google_pubsub_topic.dead_letter.id,
    var.max_delivery_attempts,
    var.message_retention,
  ]

  provisioner "local-exec" {
    command     = "${path.module}/scripts/configure-trigger-subscription.sh"
    interpreter = ["/bin/bash"]
    environment = {
      PROJECT               = var.project_id
      TRIGGER               = google_cloudfunctions2_function.runwire.event_trigger[0].trigger
      DEAD_LETTER_TOPIC     = google_pubsub_topic.dead_letter.id
      MAX_DELIVERY_ATTEMPTS = tostring(var.max_delivery_attempts)
      MESSAGE_RETENTION     = var.message_retention
      PUBSUB_SERVICE_AGENT  = local.pubsub_service_agent
    }
  }

  depends_on = [
    google_pubsub_topic_iam_member.dead_letter_publisher_pubsub_agent,
    google_pubsub_subscription.dead_letter,
  ]
}
