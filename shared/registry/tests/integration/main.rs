//! Integration tests of the registry client against real `docker-registry` processes (no auth,
//! htpasswd Basic, token auth with a test token server that also stands in for ACR's OAuth2
//! endpoints), tiny local servers for faults, and moto for ECR's control plane (feature `ecr`).

mod faults;
mod managed_identity;
mod registries;
mod support;
mod token_auth;

#[cfg(feature = "ecr")]
mod ecr;
