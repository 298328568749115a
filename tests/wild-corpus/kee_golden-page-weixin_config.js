/**
 * Created by kee on 17/10/13.
 */
wx.config({
    debug: true, // 开启调试模式,调用的所有api的返回值会在客户端alert出来，若要查看传入的参数，可以在pc端打开，参数信息会通过log打出，仅在pc端时才会打印。
    appId: wxJsApiConfig.appid, // 必填，公众号的唯一标识
    timestamp: wxJsApiConfig.timestamp, // 必填，生成签名的时间戳
    nonceStr: wxJsApiConfig.noncestr, // 必填，生成签名的随机串
    signature: wxJsApiConfig.signature,// 必填，签名，见附录1
    jsApiList: wxJsApiConfig.jsApiList // 必填，需要使用的JS接口列表，所有JS接口列表见附录2
});

wx.ready(function(){
    // config信息验证后会执行ready方法，所有接口调用都必须在config接口获得结果之后，config是一个客户端的异步操作，所以如果需要在页面加载时就调用相关接口，
    // 则须把相关接口放在ready函数中调用来确保正确执行。对于用户触发时才调用的接口，则可以直接调用，不需要放在ready函数中。
    //获取卡券列表

    alert('wx.ready(),,,');

    $('.member-download').click(function(){
//		$('.download-input-wrap').show();
        //添加到卡包
        addCard();
    });

});

wx.error(function(res){
    // config信息验证失败会执行error函数，如签名过期导致验证失败，具体错误信息可以打开config的debug模式查看，也可以在返回的res参数中查看，对于SPA可以在这里更新签名。
    alert('wx error(),'+res)
});


function addCard() {
    var cardId = 'p4gAjwiTkBjLuMmMmtNfN-RKSAbk';
    var cardExt = '{"timestamp":'+wxJsApiConfig.timestamp+',"signature":"'+wxJsApiConfig.signature+'"}';
    wx.addCard({
        cardList: [{
            cardId: cardId,
            cardExt: cardExt
        }], // 需要添加的卡券列表
        success: function (res) {
            var cardList = res.cardList; // 添加的卡券列表信息
            alert("添加成功");
        }
    });

}

function getCardList() {
    // wx.chooseCard({
    //     cardType: '', // 卡券类型
    //     cardId: '', // 卡券Id
    //     timestamp: 0, // 卡券签名时间戳
    //     nonceStr: '', // 卡券签名随机串
    //     signType: '', // 签名方式，默认'SHA1'
    //     cardSign: '', // 卡券签名
    //     success: function (res) {
    //         var cardList= res.cardList; // 用户选中的卡券列表信息
    //     }
    // });
}
