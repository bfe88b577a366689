import { describe, expect, it } from 'vitest';
import { buildMoveItems, describeMoveItemsStatus, moveItemsStatusText, parseMoveItems } from '../../../src/eas/commands/moveitems.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, encodeEas } from '../../../src/eas/wbxml.ts';
import { ns, type El } from '../../../src/wbxml/tree.ts';

const mv = ns('Move');
const v121: EasContext = { version: '12.1' };
const v141: EasContext = { version: '14.1' };

describe('buildMoveItems', () => {
  it('sends one Move per item', () => {
    const req = buildMoveItems(
      {
        moves: [
          { srcMsgId: '5:1', srcFldId: '5', dstFldId: '14' },
          { srcMsgId: '5:2', srcFldId: '5', dstFldId: '3' },
        ],
      },
      v141,
    );
    expect(req.cmd).toBe('MoveItems');
    expect(req.body).toEqual(
      mv(
        'MoveItems',
        mv('Move', mv('SrcMsgId', '5:1'), mv('SrcFldId', '5'), mv('DstFldId', '14')),
        mv('Move', mv('SrcMsgId', '5:2'), mv('SrcFldId', '5'), mv('DstFldId', '3')),
      ),
    );
    expect(decodeEas(encodeEas(req.body as El))).toEqual(req.body);
  });

  it('is the same in 12.1', () => {
    const moves = [{ srcMsgId: 'a', srcFldId: 'b', dstFldId: 'c' }];
    expect(buildMoveItems({ moves }, v121)).toEqual(buildMoveItems({ moves }, v141));
  });

  it('refuses an empty request', () => {
    expect(() => buildMoveItems({ moves: [] }, v141)).toThrow(EasProtocolError);
  });
});

describe('parseMoveItems', () => {
  it('reads the MS-ASCMD 4.15.2 example: success with the new id', () => {
    const root = mv('MoveItems', mv('Response', mv('SrcMsgId', '5:1'), mv('Status', '3'), mv('DstMsgId', '14:1')));
    expect(parseMoveItems(root, v141)).toEqual({
      status: undefined,
      results: [{ srcMsgId: '5:1', status: 3, dstMsgId: '14:1' }],
    });
  });

  it('reads mixed per-item results from a WBXML response', () => {
    const root = mv(
      'MoveItems',
      mv('Response', mv('SrcMsgId', '5:1'), mv('Status', '3'), mv('DstMsgId', '14:7')),
      mv('Response', mv('SrcMsgId', '5:2'), mv('Status', '1')),
      mv('Response', mv('SrcMsgId', '5:3'), mv('Status', '7')),
    );
    const r = parseMoveItems(decodeEas(encodeEas(root)), v141);
    expect(r.results).toEqual([
      { srcMsgId: '5:1', status: 3, dstMsgId: '14:7' },
      { srcMsgId: '5:2', status: 1 },
      { srcMsgId: '5:3', status: 7 },
    ]);
  });

  it('reads a command-level status without per-item results', () => {
    expect(parseMoveItems(mv('MoveItems', mv('Status', '5')), v141)).toEqual({ status: 5, results: [] });
    expect(parseMoveItems(mv('MoveItems', mv('Status', '110')), v141).status).toBe(110);
  });

  it('throws when a Response lacks its SrcMsgId or Status', () => {
    expect(() => parseMoveItems(mv('MoveItems', mv('Response', mv('Status', '3'))), v141)).toThrow(EasProtocolError);
    expect(() => parseMoveItems(mv('MoveItems', mv('Response', mv('SrcMsgId', '1'))), v141)).toThrow(/Status/);
  });

  it('throws on an empty body or another root', () => {
    expect(() => parseMoveItems(null, v141)).toThrow(EasProtocolError);
    expect(() => parseMoveItems(mv('Move'), v141)).toThrow(EasProtocolError);
  });

  it('describes every status, and unknown ones', () => {
    expect(Object.keys(describeMoveItemsStatus)).toEqual(['1', '2', '3', '4', '5', '7']);
    expect(moveItemsStatusText(7)).toMatch(/locked/);
    expect(moveItemsStatusText(6)).toBe('Unknown MoveItems status 6');
  });
});
