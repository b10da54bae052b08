//! Bounded retries with exponential backoff and jitter, for 429, 5xx and transport failures.

use std::future::Future;
use std::time::Duration;

use crate::error::RegistryError;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 = no retry).
    pub max_attempts: u32,
    /// Delay before the first retry; doubled after each.
    pub base_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0-based): half fixed, half random, so many
    /// scanners throttled at once do not come back in step.
    pub fn delay(&self, retry: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << retry.min(16));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Runs `op` until it succeeds, fails permanently, or the attempts are used up.
pub(crate) async fn with_retries<T, F, Fut>(
    policy: &RetryPolicy,
    mut op: F,
) -> Result<T, RegistryError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RegistryError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match op().await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_retryable() && attempt < policy.max_attempts.max(1) => {
                let delay = policy.delay(attempt - 1);
                tracing::debug!(error = %e, attempt, ?delay, "retrying registry request");
                tokio::time::sleep(delay).await;
            }
            Err(e) if e.is_retryable() && attempt > 1 => {
                return Err(RegistryError::RetriesExhausted {
                    attempts: attempt,
                    last: Box::new(e),
                });
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_bounded() {
        let p = RetryPolicy::default();
        for retry in 0..20 {
            let d = p.delay(retry);
            let full = p
                .base_delay
                .saturating_mul(1 << retry.min(16))
                .min(p.max_delay);
            assert!(
                d >= full / 2 && d <= full,
                "retry {retry}: {d:?} not in [{:?}, {full:?}]",
                full / 2
            );
        }
    }

    #[tokio::test]
    async fn stops_on_permanent_errors_and_bounds_retryable_ones() {
        let p = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        };
        let mut calls = 0;
        let r: Result<(), _> = with_retries(&p, || {
            calls += 1;
            async {
                Err(RegistryError::Status {
                    method: "GET".into(),
                    url: "u".into(),
                    status: 503,
                })
            }
        })
        .await;
        assert_eq!(calls, 3);
        assert!(matches!(
            r,
            Err(RegistryError::RetriesExhausted { attempts: 3, .. })
        ));
        let mut calls = 0;
        let r: Result<(), _> = with_retries(&p, || {
            calls += 1;
            async {
                Err(RegistryError::NotFound {
                    repository: "r".into(),
                    reference: "t".into(),
                })
            }
        })
        .await;
        assert_eq!(calls, 1);
        assert!(matches!(r, Err(RegistryError::NotFound { .. })));
    }
}
