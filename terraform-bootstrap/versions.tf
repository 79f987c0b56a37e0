terraform {
  # 1.4 for terraform_data (the post-apply step on the Eventarc subscription).
  required_version = ">= 1.4"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.x: deletion_protection on google_cloud_run_v2_job, build_config.service_account on
      # google_cloudfunctions2_function.
      version = "~> 6.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
