"""Adjudicate a portal occupancy: the gross-count alarm, then the spectrum, with reasons.

Rules, in order:

1. a neutron alarm is never cleared: special nuclear material if the spectrum identifies
   U-235/Pu-239, else of concern (fissile material or shielding suspected);
2. with a spectrum, its identification gives the verdict, except that a gamma alarm the
   spectrometer does not confirm (verdict background) stays of concern (re-scan);
3. without a spectrum, no alarm is background and a gamma alarm is of concern (secondary
   inspection), since gross counts alone cannot tell NORM from a source.
"""

from __future__ import annotations

from tripline.radiation.alarm import DEFAULT_ALARM_POLICY, AlarmPolicy, alarm_statistics
from tripline.radiation.identify import DEFAULT_POLICY, Policy, identify
from tripline.radiation.model import Occupancy, Spectrum, Verdict
from tripline.radiation.result import Adjudication


def adjudicate(
    occupancy: Occupancy,
    spectrum: Spectrum | None = None,
    background: Spectrum | None = None,
    *,
    alarm_policy: AlarmPolicy = DEFAULT_ALARM_POLICY,
    policy: Policy = DEFAULT_POLICY,
) -> Adjudication:
    alarm = alarm_statistics(occupancy, alarm_policy)
    reasons = [
        f"gamma gross counts {alarm.gross_sigma:+.1f} sigma over the occupancy "
        f"(best {alarm_policy.window_s:g}-s window {alarm.max_window_sigma:+.1f} sigma)"
        + ("; gamma alarm" if alarm.gamma_alarm else "; no gamma alarm"),
        f"neutron counts {occupancy.neutron_counts} ({alarm.neutron_sigma:+.1f} sigma)"
        + ("; neutron alarm" if alarm.neutron_alarm else ""),
    ]
    if occupancy.monitor_alarm:
        reasons.append("the portal monitor raised its own alarm")
    ident = identify(spectrum, background, policy=policy) if spectrum is not None else None
    if ident is not None:
        reasons.extend(f"spectrum: {r}" for r in ident.reasons)
    verdict = _verdict(alarm.gamma_alarm or occupancy.monitor_alarm, alarm.neutron_alarm, ident, reasons)
    return Adjudication(
        occupancy_id=occupancy.occupancy_id,
        container_id=occupancy.container_id,
        verdict=verdict,
        reasons=tuple(reasons),
        alarm=alarm,
        identification=ident,
    )


def _verdict(gamma_alarm: bool, neutron_alarm: bool, ident: object, reasons: list[str]) -> Verdict:
    from tripline.radiation.result import Identification

    spectral = ident.verdict if isinstance(ident, Identification) else None
    if neutron_alarm:
        if spectral is Verdict.SNM:
            return Verdict.SNM
        reasons.append("neutron excess: fissile material or shielded special nuclear material suspected")
        return Verdict.OF_CONCERN
    if spectral is None:
        if gamma_alarm:
            reasons.append("gamma alarm without a spectrum: gross counts cannot tell NORM from a source")
            return Verdict.OF_CONCERN
        return Verdict.BACKGROUND
    if gamma_alarm and spectral is Verdict.BACKGROUND:
        reasons.append("gamma alarm not confirmed by the spectrometer: re-scan")
        return Verdict.OF_CONCERN
    return spectral
