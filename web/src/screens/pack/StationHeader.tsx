/** The pack station's title row: which station this is, how many are staffed (both remembered by the browser), and the batch buttons. */
import { useI18n } from '../../i18n';
import { BatchPrint } from './BatchPrint';

export function StationHeader({
  station,
  stations,
  stationId,
  shopParam,
  onStation,
  onStations,
}: {
  station: number;
  stations: number;
  stationId: string;
  shopParam: string;
  onStation: (value: string) => void;
  onStations: (value: string) => void;
}) {
  const { t } = useI18n();
  const numbers = Array.from({ length: stations }, (_, i) => String(i + 1));
  return (
    <div className="screen-title">
      <h1>{t('pack.title')}</h1>
      <label className="pack-setting">
        {t('pack.station')}
        <select value={String(station)} onChange={(e) => onStation(e.target.value)} data-testid="pack-station-no">
          {numbers.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label className="pack-setting">
        {t('pack.stations')}
        <input
          type="number"
          min={1}
          max={20}
          value={stations}
          onChange={(e) => onStations(e.target.value)}
          className="narrow"
        />
      </label>
      <BatchPrint stations={stations} stationId={stationId} shopParam={shopParam} />
    </div>
  );
}
