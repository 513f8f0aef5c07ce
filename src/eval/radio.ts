// Radio propagation for the simulator: log-distance path loss with log-normal shadowing
// (Rappaport, "Wireless Communications", §4.9–4.10), and the 3GPP sector antenna pattern
// (TR 36.814 Table A.2.1.1-2). Pure functions of their inputs.
import { hashGauss } from './prng.js';

export interface PathLossModel {
  /** Path loss at the reference distance of 1 m, dB. */
  pl0: number;
  /** Path-loss exponent n: 2 in free space, 2.7–3.5 in cities, up to 4–6 through buildings. */
  exponent: number;
  /** Standard deviation of the shadowing, dB. */
  shadowSigma: number;
  /** Correlation length of the shadowing, metres: nearby places see nearly the same obstacles. */
  shadowGrid: number;
  /** Standard deviation of the per-scan fading, dB. */
  fadeSigma: number;
  /** Weakest signal a receiver reports, dBm. */
  sensitivity: number;
}

// 2.4 GHz WiFi from inside buildings to the street: free-space loss at 1 m is 40 dB; walls
// and bodies give n ≈ 3.5 (indoor-to-outdoor, Rappaport Table 4.2: 3–5 when obstructed).
export const WIFI_MODEL: PathLossModel = { pl0: 40, exponent: 3.5, shadowSigma: 6, shadowGrid: 25, fadeSigma: 2, sensitivity: -92 };
// BLE beacons advertise a calibrated "measured power" at 1 m (tx below includes it); short range.
export const BLUE_MODEL: PathLossModel = { pl0: 0, exponent: 2.4, shadowSigma: 4, shadowGrid: 10, fadeSigma: 3, sensitivity: -96 };
// LTE/NR macro cells as RSRP: 3GPP urban macro 128.1 + 37.6·log10(d/km) = 15.3 + 37.6·log10(d/m).
export const CELL_MODEL: PathLossModel = { pl0: 15.3, exponent: 3.76, shadowSigma: 8, shadowGrid: 50, fadeSigma: 2, sensitivity: -124 };

/** Mean path loss at `d` metres (distances under 1 m count as 1 m). */
export function pathLoss(model: PathLossModel, d: number): number {
  return model.pl0 + 10 * model.exponent * Math.log10(Math.max(d, 1));
}

/**
 * Spatially correlated shadowing of one transmitter at (x, y), dB: independent normal values on
 * a grid of `shadowGrid` metres, interpolated bilinearly and rescaled to keep σ. Deterministic,
 * so a stumbler and a later device at the same place see the same obstacles.
 */
export function shadowing(model: PathLossModel, seed: number, station: number, x: number, y: number): number {
  const gx = x / model.shadowGrid;
  const gy = y / model.shadowGrid;
  const ix = Math.floor(gx);
  const iy = Math.floor(gy);
  const fx = gx - ix;
  const fy = gy - iy;
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  const v =
    w00 * hashGauss(seed, station, ix, iy) +
    w10 * hashGauss(seed, station, ix + 1, iy) +
    w01 * hashGauss(seed, station, ix, iy + 1) +
    w11 * hashGauss(seed, station, ix + 1, iy + 1);
  // Interpolating independent values shrinks the variance; divide by the weights' norm.
  const norm = Math.sqrt(w00 * w00 + w10 * w10 + w01 * w01 + w11 * w11);
  return (model.shadowSigma * v) / norm;
}

/** Sector antenna attenuation, dB: min(12·(θ/θ3dB)², Am) with θ3dB = 70°, Am = 20 dB. */
export function sectorAttenuation(bearingDeg: number, azimuthDeg: number): number {
  let theta = Math.abs(bearingDeg - azimuthDeg) % 360;
  if (theta > 180) theta = 360 - theta;
  return Math.min(12 * (theta / 70) ** 2, 20);
}

/** Bearing from (x1, y1) to (x2, y2) in degrees clockwise from north (y up, x east). */
export function bearing(x1: number, y1: number, x2: number, y2: number): number {
  const deg = (Math.atan2(x2 - x1, y2 - y1) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}

/**
 * Received signal, dBm, before the receiver's sensitivity cut: transmit power − path loss −
 * shadowing − antenna attenuation + fading (`fade` is a standard normal draw, 0 for the mean).
 */
export function received(model: PathLossModel, txPower: number, d: number, shadow: number, fade: number, antenna = 0): number {
  return txPower - pathLoss(model, d) - shadow - antenna + model.fadeSigma * fade;
}
