// The accuracy targets of issue 5, checked against a run's results.
import type { CellCheck } from './opencellid.js';
import type { Overall, Target, VariantSummary } from './report.js';

interface SimulationLike {
  variants: VariantSummary[];
  all: Overall;
  hotspots: { knownPlace: { moved: number }; newPlace: { moved: number } };
}

export function accuracyTargets(sim: SimulationLike | undefined, cells: CellCheck | undefined): Target[] {
  const out: Target[] = [];
  if (sim) {
    const wifi = sim.variants.find((v) => v.variant === 'full')?.sources.find((s) => s.source === 'wifi');
    const med = wifi?.medianRatio ?? null;
    const p90 = wifi?.p90Ratio ?? null;
    out.push({ name: 'WiFi median error ÷ oracle', goal: '≤ 1.5', value: med, met: med !== null && med <= 1.5 });
    out.push({ name: 'WiFi p90 error ÷ oracle', goal: '≤ 2', value: p90, met: p90 !== null && p90 <= 2 });
    const cal = sim.all.calibration;
    out.push({ name: 'calibration (all answers)', goal: '0.68 – 0.95', value: cal, met: cal !== null && cal >= 0.68 && cal <= 0.95 });
    const { newPlace, knownPlace } = sim.hotspots;
    out.push({ name: 'answers moved by hotspots heard somewhere new', goal: '0', value: newPlace.moved, met: newPlace.moved === 0 });
    out.push({ name: 'answers moved by hotspots back where seen', goal: '0', value: knownPlace.moved, met: knownPlace.moved === 0 });
  }
  if (cells) {
    const off = cells.checked - cells.atImportedPosition;
    out.push({ name: 'OpenCellID cells not at imported position', goal: '0', value: off, met: off === 0 });
    const notFr = cells.checked - (cells.regions.FR ?? 0);
    out.push({ name: 'OpenCellID region answers other than FR', goal: '0 (MC possible)', value: notFr, met: notFr === (cells.regions.MC ?? 0) });
  }
  return out;
}
