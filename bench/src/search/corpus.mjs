/**
 * The search bench's messages: a deterministic mix of English and Chinese chat lines of realistic
 * lengths (most short, a tail of long ones), words drawn with a Zipf-like skew so some are common
 * and some rare, plus marker words whose frequency is known (what the query kinds search for).
 * Invariant: the same seed gives the same corpus, so runs compare.
 */

/** Marker words and how often a message carries one (per message). */
export const MARKERS = {
  rare: { words: ['quokka', 'axolotl', 'pangolin', 'narwhal', 'okapi'], rate: 0.0002 },
  common: { words: ['meeting', 'tomorrow', 'please'], rate: 0.03 },
  chineseShort: { words: ['北京', '上海', '会议'], rate: 0.02 },
  chineseLong: { words: ['明天开会', '项目进度', '周末加班'], rate: 0.01 },
};

const ENGLISH = `the a to and of I you it is in that for on we be this with have are at not can do will just
so but if what my your all was me no get about like time up out one there know good when
they think see how some go them now make our back could would than then look only come its over
also new want because any these give day most us work first well way even need see lunch call send
ok sure yes thanks great later today morning night week file doc review update fix bug deploy test
ship build merge branch release plan budget report client customer design team sprint issue note
idea price order box train flight hotel room coffee dinner party game photo video link page`.split(/\s+/);

const CHINESE = `我们 你们 他们 今天 昨天 好的 可以 没有 什么 时间 工作 问题 文件 这个 那个 现在 一下 知道 觉得
已经 还是 但是 因为 所以 如果 需要 发给 看看 晚上 早上 下午 中午 吃饭 咖啡 客户 老板 同事 出差 周末
报告 方案 设计 测试 上线 更新 修复 版本 代码 数据 系统 服务器 手机 电脑 地址 电话 号码 价格 订单 快递
天气 下雨 好吃 谢谢 不用 没事 马上 一起 等等 收到 明白 确认 安排 计划 预算 合同 签字 审核 通过`.split(/\s+/);

/** mulberry32: a small, fast seeded generator. @param {number} seed */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Zipf-skewed pick from `list` (the first items most often). @param {() => number} random @param {readonly string[]} list */
function skewed(random, list) {
  const index = Math.floor(list.length * random() ** 2.2);
  return /** @type {string} */ (list[Math.min(index, list.length - 1)]);
}

/** Message lengths in words: most short, a long tail. @param {() => number} random */
function wordCount(random) {
  const r = random();
  if (r < 0.55) return 2 + Math.floor(random() * 6);
  if (r < 0.9) return 8 + Math.floor(random() * 12);
  return 20 + Math.floor(random() * 60);
}

/** One message text. @param {() => number} random */
export function messageText(random) {
  const chinese = random() < 0.4;
  const words = [];
  const count = wordCount(random);
  for (let i = 0; i < count; i++) words.push(chinese ? skewed(random, CHINESE) : skewed(random, ENGLISH));
  for (const { words: markers, rate } of Object.values(MARKERS)) {
    if (random() < rate)
      words.splice(Math.floor(random() * (words.length + 1)), 0, /** @type {string} */ (markers[Math.floor(random() * markers.length)]));
  }
  const text = words.join(chinese ? '' : ' ');
  return chinese ? `${text}。` : text.charAt(0).toUpperCase() + text.slice(1);
}
