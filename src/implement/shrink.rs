//! Shrinking a disagreeing case to a minimal one, by delta debugging (Zeller's ddmin, in
//! its greedy one-pass form): remove chunks of steps, halving the chunk size down to single
//! steps, keeping every removal after which the program still disagrees; then merge
//! neighbouring steps and simplify single ones (shorter waits, rounder draws); repeat
//! until nothing changes or the budget of runs is spent. Every candidate is run against
//! the program itself, so the minimal case is one it really fails.

use super::{CaseResult, Fault, Learner, Parting, Scenario, run_case};

/// The most candidate runs one shrink may make.
pub const MAX_RUNS: usize = 2_000;

/// Shrinks `case`, which disagreed at `parting`; returns the smallest disagreeing case
/// found and where it parts. A program that misbehaves on a candidate ends the shrink with
/// that fault.
pub fn shrink<S: Scenario>(
    case: &S,
    parting: Parting,
    learner: &mut dyn Learner,
) -> Result<(S, Parting), Fault> {
    let mut best = case.clone();
    let mut best_parting = parting;
    // Steps after the parting one played no part.
    let keep = best_parting.step + 1;
    if keep < best.steps().len() {
        best = best.with_steps(best.steps()[..keep].to_vec());
    }
    let runs = std::cell::Cell::new(0usize);
    let mut try_case =
        |candidate: S, best: &mut S, best_parting: &mut Parting| -> Result<bool, Fault> {
            if runs.get() >= MAX_RUNS {
                return Ok(false);
            }
            runs.set(runs.get() + 1);
            match run_case(&candidate, learner) {
                CaseResult::Disagree(parting) => {
                    let keep = (parting.step + 1).min(candidate.steps().len());
                    *best = candidate.with_steps(candidate.steps()[..keep].to_vec());
                    *best_parting = parting;
                    Ok(true)
                }
                CaseResult::Agree => Ok(false),
                CaseResult::Fault(fault) => Err(fault),
            }
        };
    loop {
        let mut changed = false;
        // Remove chunks, largest first.
        let mut chunk = (best.steps().len() / 2).max(1);
        loop {
            let mut start = 0;
            while start < best.steps().len() && best.steps().len() > 1 {
                let steps = best.steps();
                let end = (start + chunk).min(steps.len());
                let mut rest = steps[..start].to_vec();
                rest.extend_from_slice(&steps[end..]);
                if !rest.is_empty()
                    && try_case(best.with_steps(rest), &mut best, &mut best_parting)?
                {
                    changed = true;
                } else {
                    start += chunk;
                }
            }
            if chunk == 1 {
                break;
            }
            chunk /= 2;
        }
        // Merge neighbours.
        let mut index = 0;
        while index + 1 < best.steps().len() {
            let steps = best.steps();
            if let Some(merged) = S::merge(&steps[index], &steps[index + 1]) {
                let mut candidate = steps[..index].to_vec();
                candidate.push(merged);
                candidate.extend_from_slice(&steps[index + 2..]);
                if try_case(best.with_steps(candidate), &mut best, &mut best_parting)? {
                    changed = true;
                    continue;
                }
            }
            index += 1;
        }
        // Simplify single steps.
        for index in 0..best.steps().len() {
            let Some(step) = best.steps().get(index).cloned() else {
                break;
            };
            for simpler in S::simpler(&step) {
                let mut candidate = best.steps().to_vec();
                if let Some(slot) = candidate.get_mut(index) {
                    *slot = simpler;
                }
                if try_case(best.with_steps(candidate), &mut best, &mut best_parting)? {
                    changed = true;
                    break;
                }
            }
        }
        if !changed || runs.get() >= MAX_RUNS {
            return Ok((best, best_parting));
        }
    }
}
