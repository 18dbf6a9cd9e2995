/**
 * Every dictionary, at once: imported (for this effect) by the signed-in shell. A signed-in tab lives
 * long and may lose the network, and switching language must still work then, as it did when the
 * dictionaries were part of the bundle; /login, which has nothing to do offline, fetches another
 * language only when the user switches to it. The shell's chunk imports these statically, so they load
 * with it (~7 KB gzipped each), before the header can offer the switch.
 */
import { provideDictionary } from './dictionaries';
import { en } from './en';
import { zh } from './zh';

provideDictionary('en', en);
provideDictionary('zh', zh);
