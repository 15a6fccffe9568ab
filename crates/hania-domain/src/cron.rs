//! Five-field cron schedules (`minute hour day-of-month month day-of-week`)
//! for scheduled agents, evaluated in UTC.
//!
//! Each field takes `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or
//! `a/n`, and comma lists of those; months and weekdays also take English
//! three-letter names, and weekday 7 is Sunday like 0. `@hourly`, `@daily`,
//! `@midnight`, `@weekly`, `@monthly`, `@yearly` and `@annually` are
//! accepted. As in Vixie cron, when both day fields are restricted a day
//! matches if either does.

use std::fmt;
use std::str::FromStr;

use time::{Date, Duration, Month, OffsetDateTime, Time};

use crate::validation::ValidationError;

/// How far ahead [`CronSchedule::next_after`] looks before giving up.
const SEARCH_YEARS: i32 = 5;

const MONTH_NAMES: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAY_NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// A parsed cron expression. Displays as the text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronSchedule {
    source: String,
    minutes: u64,
    hours: u64,
    days_of_month: u64,
    months: u64,
    days_of_week: u64,
    day_of_month_restricted: bool,
    day_of_week_restricted: bool,
}

struct FieldSpec {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    names_start: u32,
}

const FIELDS: [FieldSpec; 5] = [
    FieldSpec {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
        names_start: 0,
    },
    FieldSpec {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
        names_start: 0,
    },
    FieldSpec {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
        names_start: 0,
    },
    FieldSpec {
        name: "month",
        min: 1,
        max: 12,
        names: &MONTH_NAMES,
        names_start: 1,
    },
    FieldSpec {
        name: "day of week",
        min: 0,
        max: 7,
        names: &DAY_NAMES,
        names_start: 0,
    },
];

fn error(message: impl Into<String>) -> ValidationError {
    ValidationError::new("schedule", message)
}

fn parse_value(text: &str, spec: &FieldSpec) -> Result<u32, ValidationError> {
    let lower = text.to_ascii_lowercase();
    if let Some(pos) = spec.names.iter().position(|n| *n == lower) {
        return Ok(spec.names_start + pos as u32);
    }
    let value: u32 = text
        .parse()
        .map_err(|_| error(format!("invalid {} value '{text}'", spec.name)))?;
    if value < spec.min || value > spec.max {
        return Err(error(format!(
            "{} value {value} is outside {}-{}",
            spec.name, spec.min, spec.max
        )));
    }
    Ok(value)
}

fn parse_field(text: &str, spec: &FieldSpec) -> Result<u64, ValidationError> {
    let mut mask = 0u64;
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => {
                let step: u32 = step
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| error(format!("invalid step in {} '{item}'", spec.name)))?;
                (range, Some(step))
            }
            None => (item, None),
        };
        let (start, end) = if range == "*" {
            (spec.min, spec.max)
        } else if let Some((a, b)) = range.split_once('-') {
            (parse_value(a, spec)?, parse_value(b, spec)?)
        } else {
            let value = parse_value(range, spec)?;
            (value, if step.is_some() { spec.max } else { value })
        };
        if start > end {
            return Err(error(format!("empty range in {} '{item}'", spec.name)));
        }
        let mut value = start;
        while value <= end {
            mask |= 1 << value;
            value += step.unwrap_or(1);
        }
    }
    Ok(mask)
}

fn expand_macro(text: &str) -> Option<&'static str> {
    Some(match text {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        _ => return None,
    })
}

impl FromStr for CronSchedule {
    type Err = ValidationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let expanded = match trimmed.strip_prefix('@') {
            Some(_) => {
                expand_macro(trimmed).ok_or_else(|| error(format!("unknown macro '{trimmed}'")))?
            }
            None => trimmed,
        };
        let parts: Vec<&str> = expanded.split_whitespace().collect();
        let [minute, hour, dom, month, dow] = parts[..] else {
            return Err(error(
                "must have five fields: minute hour day-of-month month day-of-week",
            ));
        };
        let mut days_of_week = parse_field(dow, &FIELDS[4])?;
        if days_of_week & (1 << 7) != 0 {
            days_of_week = (days_of_week | 1) & !(1 << 7);
        }
        Ok(CronSchedule {
            source: trimmed.to_owned(),
            minutes: parse_field(minute, &FIELDS[0])?,
            hours: parse_field(hour, &FIELDS[1])?,
            days_of_month: parse_field(dom, &FIELDS[2])?,
            months: parse_field(month, &FIELDS[3])?,
            days_of_week,
            day_of_month_restricted: !dom.starts_with('*'),
            day_of_week_restricted: !dow.starts_with('*'),
        })
    }
}

impl fmt::Display for CronSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn has(mask: u64, value: u32) -> bool {
    mask & (1 << value) != 0
}

impl CronSchedule {
    fn day_matches(&self, date: Date) -> bool {
        let dom = has(self.days_of_month, u32::from(date.day()));
        let dow = has(
            self.days_of_week,
            u32::from(date.weekday().number_days_from_sunday()),
        );
        if self.day_of_month_restricted && self.day_of_week_restricted {
            dom || dow
        } else {
            dom && dow
        }
    }

    /// The first minute strictly after `after` (UTC) the schedule fires at,
    /// or `None` if it never fires within five years (e.g. `0 0 30 2 *`).
    pub fn next_after(&self, after: OffsetDateTime) -> Option<OffsetDateTime> {
        let after = after.to_offset(time::UtcOffset::UTC);
        let limit = after.year() + SEARCH_YEARS;
        let mut t = after.replace_second(0).ok()?.replace_nanosecond(0).ok()? + Duration::MINUTE;
        while t.year() <= limit {
            if !has(self.months, u32::from(u8::from(t.month()))) {
                let (year, month) = match t.month() {
                    Month::December => (t.year() + 1, Month::January),
                    m => (t.year(), m.next()),
                };
                t = Date::from_calendar_date(year, month, 1)
                    .ok()?
                    .with_time(Time::MIDNIGHT)
                    .assume_utc();
            } else if !self.day_matches(t.date()) {
                t = t.date().next_day()?.with_time(Time::MIDNIGHT).assume_utc();
            } else if !has(self.hours, u32::from(t.hour())) {
                t = t.replace_minute(0).ok()? + Duration::HOUR;
            } else if !has(self.minutes, u32::from(t.minute())) {
                t += Duration::MINUTE;
            } else {
                return Some(t);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn next(expr: &str, after: OffsetDateTime) -> Option<OffsetDateTime> {
        expr.parse::<CronSchedule>().unwrap().next_after(after)
    }

    #[test]
    fn next_run_follows_the_fields() {
        let at = datetime!(2026-11-21 10:17:45 UTC);
        assert_eq!(
            next("*/15 * * * *", at),
            Some(datetime!(2026-11-21 10:30 UTC))
        );
        assert_eq!(
            next("0 9 * * mon-fri", at),
            Some(datetime!(2026-11-23 9:00 UTC))
        );
        assert_eq!(next("@daily", at), Some(datetime!(2026-11-22 0:00 UTC)));
        assert_eq!(
            next("30 8 1 jan *", at),
            Some(datetime!(2027-01-01 8:30 UTC))
        );
        assert_eq!(next("0 0 29 2 *", at), Some(datetime!(2028-02-29 0:00 UTC)));
        assert_eq!(next("0 0 30 2 *", at), None);
        assert_eq!(
            next("17 10 * * *", at),
            Some(datetime!(2026-11-22 10:17 UTC))
        );
        assert_eq!(
            next("0 12 * * 7", at),
            Some(datetime!(2026-11-22 12:00 UTC))
        );
    }

    #[test]
    fn both_day_fields_restricted_means_either() {
        // The 1st of the month or any Monday.
        let at = datetime!(2026-11-21 0:00 UTC);
        assert_eq!(next("0 0 1 * 1", at), Some(datetime!(2026-11-23 0:00 UTC)));
    }

    #[test]
    fn malformed_expressions_are_refused_naming_the_field() {
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "* 24 * * *",
            "*/0 * * * *",
            "5-1 * * * *",
            "@often",
            "* * * foo *",
        ] {
            let err = bad.parse::<CronSchedule>().unwrap_err();
            assert_eq!(err.field, "schedule", "{bad}");
        }
        assert_eq!(
            "0 9 * * 1-5".parse::<CronSchedule>().unwrap().to_string(),
            "0 9 * * 1-5"
        );
    }
}
