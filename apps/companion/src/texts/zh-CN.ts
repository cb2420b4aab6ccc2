/**
 * The companion's words in Chinese (Simplified). Typed as `Texts`: a key the
 * English catalogue has and this one lacks (or the other way round) is a
 * type error, and the companion's `i18n` test names it.
 */
import type { Texts } from '../i18n.js';

export const zhCN: Texts = {
  page: {
    title: 'Scanlogin 扫码助手',
    description: '扫描网站的登录二维码，用你的账号登录该网站。',
    skip: '跳到主要内容',
    logout: '退出登录',
    offline: '你已离线。应用仍可打开，但确认登录需要网络连接。',
    loading: '正在启动…',
    signinTitle: '登录',
    signinIntro: '在这台手机上登录一次。之后要登录某个网站时，扫描它登录页面上的二维码即可。',
    accountLabel: '账号',
    accountHint: '用户名、邮箱或手机号',
    passwordLabel: '密码',
    signIn: '登录',
    homeTitle: '你好，{name}',
    homeIntro: '要登录某个网站，请先在电脑上打开它的登录页面，再扫描页面上显示的二维码。',
    scanStart: '扫描登录二维码',
    sitesOpen: '已登录的网站',
    sessionsOpen: '已登录的设备',
    sessionsTitle: '已登录的设备',
    sessionsIntro:
      '此账号在这些设备上处于登录状态，可以确认扫码登录：包括本机和其他设备。如有不认识或已丢失的设备，请将其退出登录：它将无法再确认登录，它已确认但网站尚未完成的登录也会被撤回。',
    pageContextTitle: '该网站页面还附带了以下信息',
    pageContextHint: '以下内容由网页自行填写，未经核实，任何人都可以写。请以上方的信息为准。',
    historyTitle: '最近的扫码登录',
    refresh: '刷新',
    sitesTitle: '已登录的网站',
    sitesIntro:
      '你用这个账号扫码登录过的网站。如有不认识或不再使用的网站，请将其退出登录：下次访问时需要重新登录。',
    signOutEverywhere: '全部退出登录',
    keepThem: '暂不退出',
    yesSignOut: '确定退出',
    backToStart: '返回首页',
    scanTitle: '扫描登录二维码',
    scanHint: '将摄像头对准网站登录页面上的二维码。',
    cameraView: '摄像头画面',
    cancel: '取消',
    fallbackTitle: '摄像头无法使用？',
    photoLabel: '使用二维码的照片',
    pasteLabel: '或粘贴二维码中的文本',
    useText: '使用此文本',
    checking: '正在验证二维码…',
    stepupTitle: '请确认是你本人',
    stepupRequest: '登录 {app}（{origin}）的请求来自离你的手机很远的地方：{where}。',
    stepupAsk: '请输入密码，查看请求后再决定。如果这个页面不是你刚刚亲自打开的，请点击“拒绝”。',
    deny: '拒绝',
    continue: '继续',
    approve: '确认登录',
    confirmTitle: '登录 {app}？',
    confirmIntro: '有人请求用你的账号登录，请确认是你本人操作。',
    website: '网站',
    requestedFrom: '请求来源',
    browser: '浏览器',
    reportedByBrowser: '（由浏览器自行报告）',
    time: '时间',
    confirmWarning:
      '如果这个页面不是你刚刚亲自打开的，请点击“拒绝”。可能有人把他们的二维码发给你，想借此登录你的账号。',
    checkCodeLegend: '网站上显示的是哪个数字？',
    checkCodeHelp: '请选择网站上二维码旁边显示的数字，然后点击“确认登录”。',
    result: '结果',
    codeStart: '输入代码',
    codeTitle: '输入代码',
    codeIntro:
      '输入电视、游戏机或终端上显示的代码，即可让它登录；无法扫码时，也可以输入网站二维码下方的代码。',
    codeLabel: '代码',
    codeHint: '8 个字母，例如 BCDF-GHJK',
    deviceTitle: '要在设备上登录 {app} 吗？',
    deviceIntro: '有设备请求用你的账号登录。请确认这是你自己的设备，并且它显示的是这个代码：',
    device: '设备',
    reportedByDevice: '（由设备自行报告）',
    asksFor: '请求的权限',
    deviceWarning:
      '如果这不是你刚刚在自己的设备上发起的，请点击“拒绝”。可能有人把他们的代码发给你，想借此登录你的账号。',
    yourPassword: '你的密码',
    deviceFarHint: '（该设备离你很远）',
  },

  actions: {
    scanAgain: '扫描二维码',
    retry: '重试',
    signIn: '重新登录',
    home: '返回首页',
  },

  problems: {
    expired: {
      title: '二维码已过期',
      detail: '登录二维码的有效期很短。请刷新网站的登录页面获取新的二维码，然后重新扫描。',
    },
    notLoginCode: {
      title: '这不是登录二维码',
      detail: '你扫描的二维码是其他内容（链接、Wi-Fi 二维码、纯文本等）。请扫描网站登录页面上显示的二维码。',
    },
    badSignature: {
      title: '无法验证此二维码',
      detail: '此二维码没有本登录服务的有效签名。请不要使用它：刷新网站的登录页面，扫描新的二维码。',
    },
    unsignedCode: {
      title: '此二维码没有签名',
      detail:
        '本服务的登录二维码都带有签名，而这个没有，它可能并非来自真正的网站。请不要使用它：亲自打开登录页面，扫描页面上的二维码。',
    },
    damagedCode: {
      title: '此登录二维码已损坏',
      detail: '它看起来像登录二维码，但部分内容缺失或有误。请刷新网站的登录页面，扫描新的二维码。',
    },
    insecurePage: {
      title: '此页面无法验证二维码',
      detail:
        '确认登录前需要先验证二维码，而浏览器只允许在安全的页面中验证。请通过 https:// 地址打开本应用，然后重新扫描。',
    },
    unexpected: { title: '出了点问题', detail: '应用遇到了意外的问题。' },
    network: {
      title: '无法连接登录服务',
      detail: '你的手机无法连接到登录服务。请检查网络（Wi-Fi 或移动数据），然后重试。',
    },
    timeout: {
      title: '登录服务没有响应',
      detail: '服务响应超时。请检查网络连接，然后重试。',
    },
    badResponse: {
      title: '收到了意外的响应',
      detail:
        '回应请求的不是登录服务，而是你的手机与服务之间的其他设备（可能是网络认证页面或代理）。请稍后重试。',
    },
    cancelled: { title: '已取消', detail: '请求已取消。' },
    unknownCode: {
      title: '无法识别的登录二维码',
      detail:
        '登录服务无法识别此二维码。它可能已被页面上更新的二维码取代（页面等待期间二维码会更换），可能来自其他服务，也可能已被删除。请扫描网站当前显示的二维码。',
    },
    otherPool: {
      title: '此二维码适用于其他账号',
      detail:
        '显示此二维码的网站所登录的账号目录与你当前登录的账号不同。请用该网站的账号登录，或扫描其他二维码。',
    },
    scannedByOther: {
      title: '已有其他人先扫描了此二维码',
      detail:
        '只有最先扫描的人才能确认登录。如果这出乎你的意料，可能有人想冒用这次登录：请刷新网站页面，扫描新的二维码。',
    },
    wrongCheckCode: {
      title: '数字不正确，登录已被拒绝',
      detail:
        '你选择的数字与网站上显示的不一致，因此没有人登录。如果那个页面不是你亲自打开的，可能有人想登录你的账号；否则请刷新页面后重新扫描。',
    },
    checkCodeRequired: {
      title: '请先选择数字',
      detail: '该网站在二维码旁边显示了一个数字。请重新扫描，并在确认登录前选择这个数字。',
    },
    tooFar: {
      title: '已拒绝：请求来自很远的地方',
      detail:
        '显示此二维码的浏览器似乎离你的手机很远，而你的账号不允许这样的登录。如果确实是你本人，请将手机连接到与电脑相同的网络，然后扫描新的二维码。',
    },
    stepUpRequired: {
      title: '请先确认是你本人',
      detail: '此请求来自很远的地方，确认登录前需要输入密码。请重新扫描二维码。',
    },
    wrongPassword: {
      title: '密码错误',
      detail: '密码错误，登录未继续。请重试。',
    },
    closedWhileDeciding: {
      title: '此登录请求已结束',
      detail: '该请求已在此期间被处理或取消，因此没有做任何更改。请扫描网站当前显示的二维码。',
    },
    usedOrCancelled: {
      title: '此二维码已被使用或已取消',
      detail: '每个二维码只能使用一次。请刷新网站的登录页面，扫描新的二维码。',
    },
    wrongCode: {
      title: '没有与此代码对应的请求',
      detail:
        '请核对设备或登录页面上显示的代码（8 个字母，例如 BCDF-GHJK），然后重新输入。代码只在几分钟内有效。',
    },
    codeExpired: {
      title: '此代码已过期',
      detail: '请在设备上重新发起登录，设备会显示新的代码。',
    },
    deviceClosed: {
      title: '此请求已处理',
      detail:
        '该请求之前已被确认或拒绝，因此没有做任何更改。如果不是你本人操作，请在“已登录的网站”中将该设备退出登录。',
    },
    alreadySignedOut: {
      title: '已经退出登录',
      detail: '该网站已经退出登录（在其他设备上退出，或登录已过期）。',
    },
    signedOut: {
      title: '请重新登录',
      detail: '你在这台手机上的登录已过期或已被撤销。',
    },
    blocked: { title: '该账号已被禁用', detail: '请联系登录服务的管理员。' },
    wrongCredentials: { title: '账号或密码错误', detail: '请检查后重试。' },
    tooManyAttempts: {
      title: '尝试次数过多',
      detail: (wait) => `该账号多次登录失败，已暂停登录。${wait}`,
      codes: (wait) => `输错代码的次数过多，已暂停输入。${wait}`,
    },
    rateLimited: { title: '请求过于频繁' },
    scannerGone: {
      title: '此次登录已终止',
      detail: '扫码的账号已无法登录，此次登录无法继续。网站会显示新的二维码。',
    },
    websiteGone: {
      title: '此次登录已终止',
      detail: '显示此二维码的网站已从登录服务中移除，无法再用它登录。没有做任何更改。',
    },
    notSetUp: {
      title: '登录服务尚未为此应用配置',
      detail: '登录服务无法识别此应用所登录的账号目录。请联系管理员。',
    },
    serviceTrouble: {
      title: '登录服务出现问题',
      detail: '服务暂时无法响应，请稍后重试。',
    },
  },

  wait: {
    aLittle: '请稍等片刻再重试。',
    exactly: (duration) => `请等待${duration}后重试。`,
    about: (duration) => `请等待约${duration}后重试。`,
  },
  requestId: (id) => `（请求 ID：${id}）`,
  problemLine: (title, detail) => `${title}。${detail}`,

  lines: {
    moreNotShown: (n) => `另有 ${n} 项未显示`,
    unknownOrigin: '未知网站（浏览器未提供）',
    unknownAddress: '未知地址',
    placeAt: (place, address) => `${place}（${address}）`,
    placeUnknown: (address) => `${address}（位置未知）`,
    browserOn: (browser, os) => `${os} 上的 ${browser}`,
    aBrowserOn: (os) => `${os} 上的浏览器`,
    unknownBrowser: '未知浏览器',
    justNow: '刚刚',
    unknownTime: '时间未知',
    timeAgo: (time, ago) => `${time}（${ago}）`,
    unknownApplication: '未知应用',
    unknownApp: '未知应用',
    notReported: '此服务未提供',
    requestFrom: (where) => `请求来自${where}`,
    phoneIn: (where) => `你的手机位于${where}`,
    farWarning: (facts) =>
      `你的手机似乎离发起请求的浏览器很远${facts.length ? `（${facts.join('；')}）` : ''}。除非确定是你本人，否则请拒绝。`,
    expiresIn: (inTime) => `此请求将于${inTime}过期。`,
    expired: '此请求已过期。',
    approved: '已确认',
    denied: '已拒绝',
    redeemed: '已登录',
    from: (where) => `来自${where}`,
    signedInSince: (time) => `登录于 ${time}`,
    signOutOf: (site, origin) => `退出 ${site}（${origin}）的登录`,
    unknownWebsite: '未知网站',
    signOutEverywhereQuestion: (count) =>
      `${count === 1 ? '要退出此处列出的这个网站吗？' : `要退出此处列出的全部 ${count} 个网站吗？`}退出后需要重新登录；这台手机仍保持登录。`,
    signedOutOf: (site) => `已退出 ${site}。`,
    thisPhone: (device) => `${device}（本机）`,
    anyApp: '此账号下的任意应用',
    signOutThisPhone: '退出本机的登录',
    signOutDevice: (device, since) => `退出 ${device} 的登录（登录于 ${since}）`,
    deviceSignedOut: (device) => `已退出 ${device} 的登录，它将无法再确认登录。`,
    scopes: {
      openid: '你的账号 ID',
      profile: '你的名字和头像',
      email: '你的邮箱地址',
      phone: '你的手机号',
      offline_access: '保持登录状态',
    },
    scopeList: (scopes) => scopes.join('、'),
    onlyIdentity: '仅确认是你本人',
    deviceUnknown: '设备未说明自己是什么设备',
    deviceAskedFrom: (where) => `设备的请求来自${where}`,
    deviceFarWarning: (facts) =>
      `该设备似乎离你的手机很远${facts.length ? `（${facts.join('；')}）` : ''}。除非确定是你自己的设备，否则请拒绝。`,
    signedOutCount: (count) => (count <= 0 ? '没有已登录的网站。' : `已退出 ${count} 个网站。`),
  },

  screens: {
    loading: '加载中…',
    someone: '朋友',
    noHistory: '还没有扫码登录记录。',
    refreshToRetry: (title) => `${title}。点击“刷新”重试。`,
    signInToContinue: '请重新登录以继续。',
    enterAccountAndPassword: '请输入账号和密码。',
    signingIn: '正在登录…',
    signedInAs: (name) => `已以 ${name} 的身份登录。`,
    signedOut: '已退出登录。',
    noSites: '目前没有通过扫码登录的网站。',
    signOut: '退出登录',
    noSessions: '此账号目前没有已登录的设备。',
    notSignedOut: (site, problem) => `${site} 未能退出登录：${problem}`,
    nothingSignedOut: (problem) => `没有退出任何网站：${problem}`,
    cameraUnavailable: '摄像头不可用。',
    cameraFallback: (problem) => `${problem}你可以改用二维码的照片，或在下方粘贴二维码中的文本。`,
    noCodeInPhoto: '照片中没有找到二维码。请靠近一些并对好焦，让整个二维码都在画面中。',
    notAnImage: '无法读取此文件，它可能不是图片。',
    codeRead: '已读取二维码，正在验证。',
    askToConfirm: (app, origin) =>
      `要在 ${origin} 上登录 ${app} 吗？如果这个页面不是你刚刚亲自打开的，请点击“拒绝”。`,
    approvedDetail: (app, origin) => `正在为你登录 ${app}（${origin}），请回到该网站页面继续操作。`,
    approvedTitle: '已确认登录',
    deniedTitle: '已拒绝登录',
    deniedDetail: '没有任何人登录。如果是别人让你扫描这个二维码，对方可能想登录你的账号。',
    stepUpAsk: '请确认是你本人：输入密码，或点击“拒绝”。',
    enterPassword: '请输入密码。',
    codeShape: '代码由 8 个字母组成，例如 BCDF-GHJK。',
    askDevice: (app, code) =>
      `要在显示 ${code} 的设备上登录 ${app} 吗？如果这不是你刚刚亲自发起的，请点击“拒绝”。`,
    devicePasswordNeeded: '该设备离你很远，确认登录前请输入密码。',
    deviceApprovedTitle: '设备已登录',
    deviceApprovedDetail: (app, code) =>
      `${app} 已在显示 ${code} 的设备上登录。你可以在“已登录的网站”中将其退出登录。`,
    deviceDeniedTitle: '已拒绝请求',
    deviceDeniedDetail: '该设备没有登录。如果有人让你输入这个代码，他们可能想登录你的账号。',
  },

  camera: {
    unsupported: '此浏览器无法使用摄像头。',
    insecure: '摄像头只能在安全的（https://）页面上使用。请通过 https:// 地址打开本应用。',
    denied: '摄像头权限被拒绝。请在浏览器设置中允许此网站使用摄像头，或改用照片。',
    notFound: '此设备上没有找到摄像头。',
    inUse: '摄像头正被其他应用占用。请关闭该应用后重试。',
    failed: '无法启动摄像头。',
  },
};
